// `npm run determinism [-- ROUNDS]`: the whole catalog, ROUNDS times in a row (default 20), and
// whether every scenario gave the same verdict and the same check outcomes each time.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario } from '../src/run/run-scenario.ts';
import { listScenarioNames, loadScenario } from '../src/scenario/load-scenario.ts';

const rounds = Number(process.argv[2] ?? 20);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000) {
  process.stderr.write(
    `determinism: rounds must be a whole number from 1 to 1000, not "${process.argv[2]}"\n`,
  );
  process.exit(2);
}

const names = await listScenarioNames();
/** scenario → the distinct outcomes seen, each "verdict | failed checks", with how often. */
const outcomes = new Map<string, Map<string, number>>(names.map((n) => [n, new Map()]));
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(0);
const started = performance.now();

async function runRound(round: number, out: string): Promise<void> {
  for (const name of names) {
    const outDir = join(out, `${round}-${name}`);
    const result = await runScenario({ scenario: await loadScenario(name), outDir });
    await rm(outDir, { recursive: true, force: true });
    const failed = result.checks.filter((c) => !c.ok).map((c) => c.name);
    const key = `${result.verdict} | ${failed.join('; ') || 'no failed check'}`;
    const seen = outcomes.get(name) ?? new Map<string, number>();
    seen.set(key, (seen.get(key) ?? 0) + 1);
    outcomes.set(name, seen);
  }
  process.stderr.write(`round ${round}/${rounds} done (${seconds(started)} s)\n`);
}

// Every run's pcaps go here, and go away at the end.
const out = await mkdtemp(join(tmpdir(), 'natlab-determinism-'));
try {
  for (let round = 1; round <= rounds; round++) await runRound(round, out);
} finally {
  await rm(out, { recursive: true, force: true });
}

let identical = true;
for (const [name, seen] of outcomes) {
  const stable = seen.size === 1;
  identical &&= stable;
  const summary = [...seen].map(([key, count]) => `${count}× ${key}`).join(' / ');
  process.stdout.write(`${stable ? 'same   ' : 'DIFFERS'}  ${name.padEnd(24)} ${summary}\n`);
}
const verdict = identical ? 'every verdict identical' : 'verdicts differ';
process.stdout.write(
  `${verdict} across ${rounds} rounds of ${names.length} scenarios (${seconds(started)} s)\n`,
);
process.exitCode = identical ? 0 : 1;
