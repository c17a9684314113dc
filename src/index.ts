// Public API for scenario files and embedders. Kept light: a scenario file imports it to call
// defineScenario, so the run pipeline loads only when runScenario is called.

import type { ScenarioResult } from './report/scenario-result.ts';
import type { RunScenarioOptions } from './run/run-scenario.ts';

export type { ScenarioResult, Verdict } from './report/scenario-result.ts';
export type * from './scenario/define-scenario.ts';
export { defineScenario } from './scenario/define-scenario.ts';

export async function runScenario(options: RunScenarioOptions): Promise<ScenarioResult> {
  const pipeline = await import('./run/run-scenario.ts');
  return pipeline.runScenario(options);
}
