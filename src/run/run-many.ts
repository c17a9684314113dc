// Several scenarios in one call, up to `jobs` at once. Runs are isolated by their run ids, so they
// share this process; one scenario's harness error is its own verdict and never stops the others.
// An abort stops new runs from starting and waits for the running ones to tear down.

import { join } from 'node:path';
import { NatlabError } from '../errors.ts';
import { kernelRelease } from '../preflight/probe-capabilities.ts';
import { resultWithoutRun, type ScenarioResult, type Verdict } from '../report/scenario-result.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { checkJobs } from './jobs.ts';
import { type Backend, newRunId, type ProgressListener, runScenario } from './run-scenario.ts';

export interface RunManyOptions {
  scenarios: readonly LoadedScenario[];
  jobs: number;
  /** Each scenario's files go to outDir/<name>. */
  outDir: string;
  backend?: Backend;
  signal?: AbortSignal;
  /** Per scenario: its step progress. */
  progressFor?: (scenario: LoadedScenario) => ProgressListener | undefined;
  onStart?: (scenario: LoadedScenario) => void;
  /** Called once per scenario, in the order they finish, before the next one starts. */
  onResult?: (result: ScenarioResult) => Promise<void> | void;
}

export interface ManyResult {
  verdict: Verdict;
  /** In the order the scenarios were given, whatever order they finished in. */
  results: ScenarioResult[];
  durationMs: number;
}

export async function runMany({
  scenarios,
  jobs,
  outDir,
  backend,
  signal,
  progressFor,
  onStart,
  onResult,
}: RunManyOptions): Promise<ManyResult> {
  checkJobs(jobs);
  const started = performance.now();
  const dirs = outDirs(scenarios, outDir);
  const results: ScenarioResult[] = new Array(scenarios.length);
  let next = 0;
  const worker = async () => {
    // Bounded: each pass takes a scenario that no other worker has taken.
    while (next < scenarios.length && !signal?.aborted) {
      const index = next++;
      const scenario = scenarios[index] as LoadedScenario;
      onStart?.(scenario);
      const t0 = performance.now();
      // Chosen here, so a run that throws still names the run id its namespaces carried.
      const runId = newRunId();
      let result: ScenarioResult;
      try {
        result = await runScenario({
          scenario,
          runId,
          outDir: dirs[index],
          backend,
          signal,
          progress: progressFor?.(scenario),
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        result = {
          ...errorResult(scenario, error, Math.round(performance.now() - t0)),
          runId,
        };
      }
      results[index] = result;
      await onResult?.(result);
    }
  };
  const workers = Array.from({ length: Math.min(jobs, scenarios.length) }, worker);
  const settled = await Promise.allSettled(workers);
  // Every worker has finished its teardown by now; only then does an interrupt surface.
  signal?.throwIfAborted();
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return {
    verdict: worstVerdict(results.map((r) => r.verdict)),
    results,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The number of runs at once, from the API or the command line's text. */

/**
 * The verdict of a suite: error > fail > skip > pass. A broken harness outranks a failed check
 * (neither verdict can be trusted beside it), and a skip alone keeps the suite from passing, so
 * CI notices what did not run.
 */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  for (const v of ['error', 'fail', 'skip'] as const) if (verdicts.includes(v)) return v;
  return 'pass';
}

/** outDir/<name>; a name given twice (two directories) gets -2, -3. */
function outDirs(scenarios: readonly LoadedScenario[], outDir: string): string[] {
  const seen = new Map<string, number>();
  return scenarios.map(({ name }) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return join(outDir, n === 1 ? name : `${name}-${n}`);
  });
}

/**
 * A run that threw: the scenario's verdict is error, with the whole message as its reason. It has
 * no output directory: whatever the run made there is not a result.
 */
export function errorResult(
  scenario: LoadedScenario,
  error: unknown,
  durationMs: number,
): ScenarioResult {
  const reason =
    error instanceof NatlabError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  return resultWithoutRun({
    scenario: scenario.name,
    description: scenario.def.description,
    verdict: 'error',
    reason,
    kernel: kernelRelease(),
    durationMs,
  });
}
