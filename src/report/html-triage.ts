// The top of report.html: what broke (failed checks, then the findings), each linked to its probe's
// ladder; and which journeys a finding cites, for the ladder to draw in the failure colour.

import type { Finding } from '../analyse/finding.ts';
import { escapeXml as esc } from './escape-xml.ts';
import type { ProbeReport, ScenarioResult } from './scenario-result.ts';

/** The anchor of a probe's section. */
export function probeAnchor(probe: string): string {
  return `probe-${probe.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Every finding cites "point frame N: ..." per evidence line (see src/analyse/). */
const CITATION = /^(\S+) frame (\d+)\b/;

/**
 * The probe's journeys a finding's evidence cites by capture point and frame (only its culprits
 * when it names them), with the findings' rules.
 */
export function citedJourneys(
  probe: ProbeReport,
  findings: readonly Finding[],
): Map<number, string[]> {
  const cited = new Map<number, string[]>();
  for (const finding of findings.filter((f) => f.probe === probe.name)) {
    const lines = finding.evidence.filter((_, i) => finding.culprits?.includes(i) ?? true);
    for (const line of lines) {
      const [, point, frame] = CITATION.exec(line) ?? [];
      const journey = probe.journeys.find((j) =>
        j.hops.some((h) => h.point === point && h.frame === Number(frame)),
      );
      if (!journey) continue;
      const rules = cited.get(journey.number) ?? [];
      if (!rules.includes(finding.rule)) cited.set(journey.number, [...rules, finding.rule]);
    }
  }
  return cited;
}

function toLadder(probe: string | undefined): string {
  return probe
    ? ` <a class="to-ladder" href="#${probeAnchor(probe)}">ladder of ${esc(probe)} ↓</a>`
    : '';
}

/** Failed checks, then the diagnosis: the first screenful of a failing run. */
export function triageSection(result: ScenarioResult): string {
  const failed = result.checks.filter((c) => !c.ok);
  const held = result.checks.length - failed.length;
  const headline =
    failed.length > 0
      ? `${failed.length} of ${result.checks.length} checks failed`
      : result.checks.length > 0
        ? `All ${held} checks held`
        : 'No check ran';
  const items = failed.map(
    (c) =>
      `<li class="failed-check"><b>✗ FAILED</b> ${esc(c.name)}${toLadder(c.probe)}<br><span class="detail">${esc(c.detail)}</span></li>`,
  );
  const findings = result.diagnosis.map(
    (f) =>
      `<div class="finding"><p><b>${esc(f.rule)}</b>${f.probe ? ` in probe ${esc(f.probe)}` : ''}:${toLadder(f.probe)}</p><p>${esc(f.summary)}</p><pre>${esc(f.evidence.join('\n'))}</pre></div>`,
  );
  return [
    `<section id="triage" class="${failed.length > 0 ? 'broken' : 'held'}"><h2>${headline}</h2>`,
    items.length > 0 ? `<ul class="failed-checks">${items.join('')}</ul>` : '',
    '<div id="diagnosis"><h3>Diagnosis</h3>',
    findings.length > 0 ? findings.join('') : '<p>Nothing recognised.</p>',
    '</div></section>',
  ].join('\n');
}
