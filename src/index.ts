// Public API for scenario files and embedders. Kept light: a scenario file imports it to call
// defineScenario, so the run pipeline loads only when runScenario is called.

import type { RunOptions } from './api/run-scenario-api.ts';
import type { ScenarioResult } from './report/scenario-result.ts';

export type { RunOptions } from './api/run-scenario-api.ts';
export { NatlabError } from './errors.ts';
export type * from './report/scenario-result.ts';
export type { ResultFiles } from './report/write-result-files.ts';
export type { Backend, ProgressListener, StepName } from './run/run-scenario.ts';
export type * from './scenario/define-scenario.ts';
export { defineScenario } from './scenario/define-scenario.ts';
export * from './scenario/port-forward-lab.ts';

/**
 * Runs one scenario on this machine's kernel (as root) and returns its ScenarioResult, the
 * document `natlab run --json` prints. A check that fails is a result (verdict "fail"), not an
 * error; it rejects only on bad input, a broken harness, or an abort.
 */
export async function runScenario(options: RunOptions): Promise<ScenarioResult> {
  const api = await import('./api/run-scenario-api.ts');
  return api.runScenarioApi(options);
}
