// Candidates side by side: a row per check, a column per candidate, then why each failing one failed.

import type { Candidate } from '../candidates/load-candidate.ts';
import { renderJunitSuites } from './junit-report.ts';
import { whyNot } from './run-summary.ts';
import type { ScenarioResult } from './scenario-result.ts';
import type { Glyphs } from './terminal-report.ts';

export interface CandidateRun {
  candidate: Candidate;
  result: ScenarioResult;
}

export function renderCandidateMatrix(
  scenario: string,
  runs: readonly CandidateRun[],
  g: Glyphs,
): string {
  const ascii = (text: string) => (g.arrow === '→' ? text : text.replaceAll('→', g.arrow));
  const checks: string[] = [];
  for (const { result } of runs)
    for (const c of result.checks) if (!checks.includes(c.name)) checks.push(c.name);
  const titles = runs.map(({ candidate }, i) => `${i + 1} ${candidate.name}`);
  const labelWidth = Math.max(5, ...checks.map((c) => ascii(c).length));
  const widths = titles.map((t) => Math.max(t.length, 4));
  const lines = [
    g.bold(`${scenario}: ${runs.length} candidate ruleset(s)`),
    '',
    `${''.padEnd(labelWidth)}  ${titles.map((t, i) => t.padEnd(widths[i] ?? 0)).join('  ')}`,
  ];
  for (const name of checks) {
    const cells = runs.map(({ result }, i) => {
      const check = result.checks.find((c) => c.name === name);
      const mark = check === undefined ? '-' : check.ok ? g.green(g.ok) : g.red(g.fail);
      const plain = check === undefined ? '-' : check.ok ? g.ok : g.fail;
      return mark + ' '.repeat(Math.max(0, (widths[i] ?? 0) - plain.length));
    });
    lines.push(`${ascii(name).padEnd(labelWidth)}  ${cells.join('  ')}`);
  }
  lines.push(
    `${'verdict'.padEnd(labelWidth)}  ${runs.map(({ result }, i) => result.verdict.toUpperCase().padEnd(widths[i] ?? 0)).join('  ')}`,
    '',
  );
  runs.forEach(({ candidate, result }, i) => {
    if (result.verdict === 'pass') return;
    lines.push(`${i + 1} ${candidate.name} (${candidate.format}): ${ascii(whyNot(result))}`);
  });
  for (const [i, { candidate }] of runs.entries()) {
    if (candidate.format !== 'routeros') continue;
    lines.push(
      '',
      g.bold(`${i + 1} ${candidate.name}: RouterOS as given, then the nft natlab applied`),
    );
    lines.push(
      ...candidate.original
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
      '',
      ...candidate.ruleset.text
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `--junit` with `--ruleset`: a testsuite per candidate, "scenario [n file]". */
export function renderCandidateJunit(runs: readonly CandidateRun[]): string {
  return renderJunitSuites(
    runs.map(({ candidate, result }, i) => ({
      name: `${result.scenario} [${i + 1} ${candidate.name}]`,
      result,
    })),
  );
}
