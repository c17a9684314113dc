// natlab/vitest: a scenario file as a vitest suite. One test for the run, then one test per check;
// a failed check's message carries its detail, the diagnosis, the probe's ladder and report.html.
// One scenario per test file lets vitest's --shard split a suite by scenario.

import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, it } from 'vitest';
import { renderCheckFailure } from '../report/check-failure.ts';
import type { ScenarioResult } from '../report/scenario-result.ts';
import { glyphsFor } from '../report/terminal-report.ts';
import { loadCandidates, withCandidate } from '../run/run-candidates.ts';
import type { Backend } from '../run/run-scenario.ts';
import { type LoadedScenario, loadScenario } from '../scenario/load-scenario.ts';
import { plannedChecks } from './planned-checks.ts';
import { runForTests } from './run-for-tests.ts';

export interface ScenarioTestOptions {
  /** pcaps, result.json and report.html. Default: test-results/natlab/<scenario> in the current directory. */
  outDir?: string;
  /** Who builds the lab: natlab itself (netns, the default) or Mininet. */
  backend?: Backend;
  /** The run is stopped and torn down after this many ms (default 120000). */
  timeout?: number;
  /**
   * A candidate ruleset file, run in place of the rulesets of the scenario's NAT node (`nat: {
   * node }`), as `natlab run --ruleset` does. The suite is then named "<scenario> with <file>".
   */
  ruleset?: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** Teardown after a stopped run: vitest gives up on the hook only once it has had this long. */
const TEARDOWN_MARGIN_MS = 30_000;

/** Unicode arrows and marks, no colour codes: the message lands in terminals, JSON and JUnit alike. */
const GLYPHS = (() => {
  const plain = (s: string) => s;
  return { ...glyphsFor(true), green: plain, red: plain, dim: plain, bold: plain };
})();

/**
 * Declares a vitest suite for one scenario file: `describeScenario('scenarios/web-forward.ts')`.
 * A relative path is taken from the current directory (where vitest runs, the project root).
 */
export function describeScenario(file: string | URL, options: ScenarioTestOptions = {}): void {
  const path = typeof file === 'string' ? resolve(file) : fileURLToPath(file);
  const name = basename(path).replace(/\.ts$/, '');
  const candidate = options.ruleset === undefined ? undefined : resolve(options.ruleset);
  const title = candidate ? `${name} with ${basename(candidate)}` : name;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  const outDir = resolve(
    options.outDir ?? join('test-results', 'natlab', title.replace(' with ', '-')),
  );
  describe(title, async () => {
    // Loaded and planned while vitest collects the tests: a broken scenario or ruleset fails here,
    // naming every problem, and each check becomes a test with its own name.
    const loaded = await loadScenario(name, dirname(path));
    const scenario = candidate ? await withRuleset(loaded, candidate) : loaded;
    const checks = plannedChecks(scenario.def, name);
    let run: { result: ScenarioResult } | { error: Error } | undefined;
    beforeAll(async () => {
      run = await runForTests({ scenario, outDir, backend: options.backend, timeout }).then(
        (result) => ({ result }),
        (error: unknown) => ({ error: error instanceof Error ? error : new Error(String(error)) }),
      );
    }, timeout + TEARDOWN_MARGIN_MS);

    it('runs', (context) => {
      const result = outcomeOf(run, context.skip);
      // A check no scenario declares (the storm guard's) fails here, since no test of its own can.
      const planned = new Set(checks.map((c) => c.id));
      const failed = result.checks.filter((c) => !planned.has(c.id) && !c.ok);
      if (failed.length > 0) {
        const texts = failed.map((c) => renderCheckFailure(result, c, GLYPHS, reportOf(result)));
        throw new Error(texts.join('\n\n'));
      }
    });

    for (const planned of checks) {
      it(planned.name, (context) => {
        const result = outcomeOf(run, context.skip);
        const check = result.checks.find((c) => c.id === planned.id);
        if (!check) throw new Error(`${name}: the run did not evaluate "${planned.name}"`);
        if (!check.ok) {
          throw new Error(renderCheckFailure(result, check, GLYPHS, reportOf(result)));
        }
      });
    }
  });
}

async function withRuleset(scenario: LoadedScenario, file: string): Promise<LoadedScenario> {
  const [candidate] = await loadCandidates(scenario, [file], {});
  return candidate ? withCandidate(scenario, candidate) : scenario;
}

/** The run's result once it has a verdict; a skip skips the test, an error fails it. */
function outcomeOf(
  run: { result: ScenarioResult } | { error: Error } | undefined,
  skip: (note?: string) => never,
): ScenarioResult {
  if (!run) throw new Error('the scenario did not run (its beforeAll hook failed or timed out)');
  if ('error' in run) throw run.error;
  const { result } = run;
  if (result.verdict === 'skip') skip(result.reason);
  if (result.verdict === 'error') throw new Error(result.reason ?? 'the scenario ended in error');
  return result;
}

function reportOf(result: ScenarioResult): string | undefined {
  return result.outDir ? join(result.outDir, 'report.html') : undefined;
}
