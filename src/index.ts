// Public API for scenario files and embedders.

export type { ScenarioResult, Verdict } from './report/scenario-result.ts';
export { runScenario } from './run/run-scenario.ts';
export type * from './scenario/define-scenario.ts';
export { defineScenario } from './scenario/define-scenario.ts';
