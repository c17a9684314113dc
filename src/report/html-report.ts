// report.html: one self-contained page per run (inline CSS and SVG, no script, no external asset),
// written next to the pcaps it links to. It opens with what broke (html-triage.ts); passing probes
// are collapsed. Pure: returns the page.

import { relative } from 'node:path';
import type { Finding } from '../analyse/finding.ts';
import { pointId } from '../plan/point-id.ts';
import { escapeXml as esc } from './escape-xml.ts';
import { citedJourneys, probeAnchor, triageSection } from './html-triage.ts';
import { buildLadder } from './ladder.ts';
import { narrate } from './narrative.ts';
import { type ProbeReport, probeOutcome, type ScenarioResult } from './scenario-result.ts';
import { type ProbeSection, probeSections, stepHeading, stepStateLines } from './step-sections.ts';
import { ladderSvg } from './svg-diagrams.ts';
import { topologySvg } from './svg-topology.ts';

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 1em auto; max-width: 80em; padding: 0 1em; color: #1d2430; }
h1 { margin: 0 0 .1em; } h2 { margin-top: 1.4em; border-bottom: 1px solid #d8dde5; } h1 + p { margin: 0; }
#triage { border: 2px solid #b42323; border-radius: 6px; padding: 0 1em .4em; margin-top: .6em; }
#triage.held { border-color: #1f7a3a; } #triage h2 { margin-top: .4em; border: 0; }
#triage.broken h2 { color: #b42323; } #triage h3 { margin: .6em 0 .2em; }
ul.failed-checks { padding-left: 1.2em; margin: .2em 0; } .failed-check { color: #b42323; margin: .2em 0; }
.failed-check .detail { color: #1d2430; font-size: 13px; } a.to-ladder { margin-left: .5em; font-size: 13px; }
tr.failed td { background: #fdf4f4; } span.bad { color: #b42323; font-weight: 600; }
details.probe { margin: .8em 0; border-top: 1px solid #d8dde5; } details.probe > summary { cursor: pointer; padding: .4em 0; }
details.probe > summary h2 { display: inline; font-size: 1.15em; border: 0; margin: 0; }
details.probe.bad > summary h2 { color: #b42323; }
.verdict { padding: .1em .5em; border-radius: 4px; color: #fff; font-size: .8em; vertical-align: middle; }
.pass { background: #1f7a3a; } .fail, .error { background: #b42323; } .skip { background: #6b7280; }
.meta, .dim { color: #5b6473; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .3em .6em; border-bottom: 1px solid #e6e9ef; vertical-align: top; }
td.ok { color: #1f7a3a; font-weight: bold; } td.bad { color: #b42323; font-weight: bold; }
pre { background: #f4f6f9; padding: .6em; font-size: 13px; white-space: pre-wrap; overflow-wrap: anywhere; }
td { overflow-wrap: anywhere; } td.ok, td.bad { white-space: nowrap; overflow-wrap: normal; }
.finding { border-left: 4px solid #b42323; padding: .1em .8em; margin: .5em 0; background: #fdf4f4; }
.finding p { margin: .3em 0; } .finding pre { margin: .3em 0; padding: .3em .6em; font-size: 12px; }
svg { display: block; margin: .6em 0; max-width: 100%; height: auto; font: 13px system-ui, sans-serif; }
svg .link line { stroke: #8a94a6; stroke-width: 2; }
svg .label text { font: 11px ui-monospace, monospace; fill: #1d2430; } svg .label-box { fill: #fff; stroke: #c3cad6; }
svg .label.count text { fill: #5b6473; } svg .label.count .label-box { fill: #f4f6f9; stroke: none; }
svg .node rect { fill: #e8f0fe; stroke: #3a64b5; } svg .node.switch rect { fill: #eef7ee; stroke: #3d8a4f; }
svg .node text, svg .column { text-anchor: middle; font-weight: 600; }
svg .lifeline { stroke: #c3cad6; stroke-dasharray: 4 3; } svg .arrow { stroke: #1d2430; stroke-width: 1.6; }
svg marker path { fill: #1d2430; } svg .rewrite { fill: #e0a800; stroke: #7a5c00; }
svg .drop { fill: #b42323; text-anchor: middle; font-weight: bold; font-size: 15px; }
svg .journey.dropped .arrow, svg .cited .arrow { stroke: #b42323; } svg .cited .arrow { stroke-width: 2.2; }
svg .cited .label { fill: #b42323; font-weight: bold; } svg #head-cited path { fill: #b42323; } ol.narrative li { font-family: ui-monospace, monospace; font-size: 13px; }
ol.narrative .rewrite { color: #7a5c00; }
`;

export function renderHtmlReport(result: ScenarioResult): string {
  const switches = new Set(
    result.topology.nodes.filter((n) => n.kind === 'switch').map((n) => n.name),
  );
  const start = result.probes[0]?.from ?? result.topology.nodes[0]?.name ?? '';
  const seconds = (result.durationMs / 1000).toFixed(2);
  const body = [
    `<h1>${esc(result.scenario)} <span class="verdict ${result.verdict}">${result.verdict.toUpperCase()}</span></h1>`,
    `<p>${esc(result.description ?? '')}</p>`,
    `<p class="meta">run ${esc(result.runId ?? '')} · kernel ${esc(result.kernel)} · ${seconds} s${result.reason ? ` · ${esc(result.reason)}` : ''}</p>`,
    triageSection(result),
    ...probeSections(result).flatMap((section) => [
      stepHeader(section),
      ...section.probes.map((probe) => probeSection({ probe, result, switches })),
    ]),
    '<section id="topology"><h2>Topology</h2>',
    result.topology.nodes.length > 0 ? topologySvg(result.topology, result.captures, start) : '',
    '<p class="dim">Each end: its interface and addresses. Per link: the packets captured at its busier end.</p></section>',
    checksSection(result),
    kernelSection(result),
    capturesSection(result),
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="icon" href="data:,">',
    `<title>natlab: ${esc(result.scenario)} ${result.verdict}</title>`,
    `<style>${STYLE}</style></head><body>`,
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}

/** A step's heading and what it changed; nothing for the top-level probes. */
function stepHeader(section: ProbeSection): string {
  const heading = stepHeading(section);
  if (!heading || !section.step) return '';
  const lines = [...section.step.changes, ...stepStateLines(section.step)];
  const changes = lines.map((c) => `<li>${esc(c)}</li>`).join('');
  const none = section.probes.length === 0 ? '<p class="dim">no probes</p>' : '';
  return `<section class="step" id="step-${esc(section.step.name)}"><h2>${esc(heading)}</h2>${changes ? `<ul class="dim">${changes}</ul>` : ''}${none}</section>`;
}

function checksSection(result: ScenarioResult): string {
  const rows = result.checks.map(
    (c) =>
      `<tr${c.ok ? '' : ' class="failed"'}><td class="${c.ok ? 'ok' : 'bad'}">${c.ok ? '✓' : '✗ FAILED'}</td><td>${esc(c.name)}</td><td class="dim">${esc(c.detail)}</td></tr>`,
  );
  return `<section id="checks"><h2>All checks</h2><table><tr><th></th><th>check</th><th>detail</th></tr>${rows.join('')}</table></section>`;
}

interface ProbeSectionOptions {
  probe: ProbeReport;
  result: ScenarioResult;
  switches: ReadonlySet<string>;
}

/** Open when a check of the probe failed or a finding names it; a passing probe stays collapsed. */
function probeSection({ probe, result, switches }: ProbeSectionOptions): string {
  const findings: Finding[] = result.diagnosis.filter((f) => f.probe === probe.name);
  // probe.ok says whether it connected; whether that was right is its checks'.
  const failed = result.checks.some((c) => !c.ok && c.probe === probe.name);
  const outcome = probeOutcome(probe);
  const steps = narrate(probe.journeys, switches).map(
    (s) =>
      `<li value="${s.number}">${esc(s.text)}${s.rewrites.map((r) => `<br><span class="rewrite">${esc(r)}</span>`).join('')}</li>`,
  );
  const connections = probe.connections.map(
    (c) => `<li>${c.proto} ${esc(c.label)}: ${esc(c.summary)}</li>`,
  );
  return [
    `<details class="probe ${failed ? 'bad' : 'good'}" id="${probeAnchor(probe.name)}"${failed || findings.length > 0 ? ' open' : ''}>`,
    `<summary><h2>${failed ? '✗' : '✓'} Probe ${esc(probe.name)}: ${esc(probe.from)} → ${esc(probe.to)}</h2></summary>`,
    `<p>expected: ${probe.expect} · ${esc(outcome)}${findings.length > 0 ? ` · <span class="bad">in red: the packets ${findings.map((f) => esc(f.rule)).join(', ')} names</span>` : ''}</p>`,
    probe.journeys.length > 0
      ? ladderSvg(buildLadder(probe, switches), citedJourneys(probe, findings))
      : '<p class="dim">no IP packet was captured during this probe</p>',
    `<ol class="narrative">${steps.join('')}</ol>`,
    connections.length > 0 ? `<p>Connections:</p><ul>${connections.join('')}</ul>` : '',
    '</details>',
  ].join('\n');
}

function kernelSection(result: ScenarioResult): string {
  const nodes = result.kernelState.map((state) => {
    const counters = state.counters.map(
      (c) => `<tr><td>${c.packets}</td><td>${esc(c.table)}</td><td>${esc(c.rule)}</td></tr>`,
    );
    return [
      `<h3>${esc(state.node)}</h3>`,
      `<p>conntrack (${state.conntrack.length} flows)</p><pre>${esc(state.conntrack.join('\n'))}</pre>`,
      counters.length > 0
        ? `<table><tr><th>packets</th><th>table</th><th>rule</th></tr>${counters.join('')}</table>`
        : '',
    ].join('\n');
  });
  if (nodes.length === 0) return '';
  const after = result.steps ? 'last step' : 'traffic';
  return `<section id="kernel"><h2>Kernel state after the ${after}</h2>${nodes.join('')}</section>`;
}

function capturesSection(result: ScenarioResult): string {
  const items = result.captures.map((c) => {
    const href = result.outDir ? relative(result.outDir, c.file) : c.file;
    return `<li><a href="${esc(encodeURI(href))}">${esc(pointId(c.node, c.iface))}</a> · ${c.packets} packets</li>`;
  });
  return `<section id="captures"><h2>Captures</h2><ul>${items.join('')}</ul></section>`;
}
