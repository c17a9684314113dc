// The table at the end of `natlab run` over several scenarios: a row per scenario with its verdict,
// time, checks held and, when it did not pass, why in one line.

import type { ScenarioResult, Verdict } from './scenario-result.ts';
import type { Glyphs } from './terminal-report.ts';
import { textTable } from './text-table.ts';

const WHY_WIDTH = 70;

export function renderRunSummary(
  results: readonly ScenarioResult[],
  run: { verdict: Verdict; durationMs: number; jobs: number; outDir: string },
  g: Glyphs,
): string {
  const rows = [
    ['scenario', 'verdict', 'time', 'checks', 'why'],
    ...results.map((r) => [
      r.scenario,
      r.verdict.toUpperCase(),
      `${(r.durationMs / 1000).toFixed(1)} s`,
      r.checks.length > 0 ? `${r.checks.filter((c) => c.ok).length}/${r.checks.length}` : '-',
      oneLine(whyNot(r)),
    ]),
  ];
  const [header = '', ...lines] = textTable(rows);
  const color = (verdict: Verdict) =>
    verdict === 'pass' ? g.green : verdict === 'skip' ? g.dim : g.red;
  const count = (v: Verdict) => results.filter((r) => r.verdict === v).length;
  const total = `${results.length} scenarios in ${(run.durationMs / 1000).toFixed(1)} s (--jobs ${run.jobs}): ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped, ${count('error')} errors`;
  return [
    '',
    g.bold(header),
    ...lines.map((line, i) => color(results[i]?.verdict ?? 'error')(line)),
    '',
    g.bold(`${run.verdict.toUpperCase()}: ${total}`),
    `Results per scenario in ${run.outDir}`,
    '',
  ].join('\n');
}

/** Why a scenario did not pass: the first diagnosis, else the first failed check, else the reason. */
export function whyNot(result: ScenarioResult): string {
  if (result.verdict === 'pass') return '';
  const failed = result.checks.find((c) => !c.ok);
  return (
    result.diagnosis[0]?.summary ??
    (failed ? `${failed.name}: ${failed.detail}` : (result.reason ?? ''))
  );
}

function oneLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > WHY_WIDTH ? `${line.slice(0, WHY_WIDTH - 3)}...` : line;
}
