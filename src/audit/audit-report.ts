// What `natlab audit` prints: the matrix forward × vantage point, each failure with its diagnosis
// and the remedy that was proven (or only suggested), the forwards not tested with why; and its
// --json document and --junit suites (a suite per forward, a testcase per vantage point).

import type { JunitSuite } from '../report/junit-report.ts';
import { textTable } from '../report/text-table.ts';
import { VANTAGES } from './audit-lab.ts';
import { forwardLabel } from './forward.ts';
import type { AuditReport, ForwardAudit } from './run-audit.ts';

export function renderAuditText(report: AuditReport): string {
  const out = [`natlab audit ${report.file} (${report.format})`, ''];
  if (report.forwards.length > 0) {
    const header = ['forward', ...VANTAGES.map((v) => v.title)];
    const rows = report.forwards.map((a) => [
      forwardLabel(a.forward),
      ...VANTAGES.map(({ id }) => {
        if (a.verdict === 'error' || a.verdict === 'skip') return a.verdict;
        const cell = a.cells.find((c) => c.vantage === id);
        return !cell ? '-' : cell.ok ? 'ok' : cell.fixedBy ? 'fails (fixed)' : 'fails';
      }),
    ]);
    out.push(...textTable([header, ...rows]), '');
  }
  for (const audit of report.forwards) out.push(...details(audit));
  for (const u of report.untested) {
    out.push(`not audited: line ${u.line}: ${u.rule}`, `  ${u.reason}`, '');
  }
  const failed = report.forwards.flatMap((a) => a.cells.filter((c) => !c.ok)).length;
  out.push(
    `${report.forwards.length} forward(s) audited, ${failed} cell(s) failing, ${report.untested.length} not audited (${(report.durationMs / 1000).toFixed(1)} s): ${report.verdict}`,
    '',
  );
  return out.join('\n');
}

function details(audit: ForwardAudit): string[] {
  const lines: string[] = [];
  const label = forwardLabel(audit.forward);
  if (audit.verdict === 'error' || audit.verdict === 'skip') {
    return [`${label}: ${audit.verdict}: ${audit.reason ?? ''}`, ''];
  }
  if (audit.lab.publicIpChosen) {
    lines.push(
      `${label}: the config names no public address; the lab's WAN has ${audit.lab.publicIp}`,
    );
  }
  for (const cell of audit.cells.filter((c) => !c.ok)) {
    const title = VANTAGES.find((v) => v.id === cell.vantage)?.title;
    lines.push(`${label}, from the ${title}: fails${cell.error ? ` (${cell.error})` : ''}`);
    for (const f of cell.findings) lines.push(`  ${f.rule}: ${f.summary}`);
    if (cell.fixedBy) lines.push(`  fixed by: ${cell.fixedBy}`);
  }
  if (audit.remedy?.proven) lines.push(`  the whole config with it: ${audit.remedy.file}`);
  else if (audit.remedy) {
    lines.push(`  suggested, but the rerun with it still fails: ${audit.remedy.rule}`);
  }
  if (audit.result.outDir && lines.length > 0)
    lines.push(`  captures and report: ${audit.result.outDir}`);
  return lines.length > 0 ? [...lines, ''] : [];
}

export function auditJson(report: AuditReport) {
  return {
    file: report.file,
    format: report.format,
    verdict: report.verdict,
    durationMs: report.durationMs,
    forwards: report.forwards.map((a) => ({
      name: a.name,
      forward: a.forward,
      lab: a.lab,
      verdict: a.verdict,
      ...(a.reason ? { reason: a.reason } : {}),
      cells: a.cells,
      ...(a.remedy
        ? { remedy: { rule: a.remedy.rule, proven: a.remedy.proven, file: a.remedy.file } }
        : {}),
      runId: a.result.runId,
      outDir: a.result.outDir,
    })),
    untested: report.untested,
  };
}

/** A suite per forward: its lab's checks, one per vantage point's probe. */
export function auditJunitSuites(report: AuditReport): JunitSuite[] {
  return report.forwards.map((a) => ({
    name: `audit ${forwardLabel(a.forward)}`,
    result: a.result,
  }));
}
