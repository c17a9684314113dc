// Candidates side by side: a row per check, a column per candidate, then why each failing one failed.

import type { Candidate } from '../candidates/load-candidate.ts';
import { renderJunitSuites } from './junit-report.ts';
import { whyNot } from './run-summary.ts';
import type { ScenarioResult } from './scenario-result.ts';
import type { Glyphs } from './terminal-report.ts';
import { textTable } from './text-table.ts';

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
  const mark = (ok: boolean | undefined) =>
    ok === undefined ? '-' : ok ? g.green(g.ok) : g.red(g.fail);
  const table = textTable([
    ['', ...titles],
    ...checks.map((name) => [
      ascii(name),
      ...runs.map(({ result }) => mark(result.checks.find((c) => c.name === name)?.ok)),
    ]),
    ['verdict', ...runs.map(({ result }) => result.verdict.toUpperCase())],
  ]);
  const lines = [g.bold(`${scenario}: ${runs.length} candidate ruleset(s)`), '', ...table, ''];
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
