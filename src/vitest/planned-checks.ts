// The checks a scenario will produce, known before it runs, so that each can be declared as a vitest
// test. They come from the check stage itself, evaluated over a run that sent and captured nothing:
// only ids and names are kept, since the outcomes of that empty run mean nothing.

import { declaredChecks } from '../check/evaluate-checks.ts';
import { planTopology } from '../plan/plan-topology.ts';
import type { ScenarioDef } from '../scenario/define-scenario.ts';

export interface PlannedCheck {
  id: string;
  name: string;
}

/** Throws the planner's own error (every problem of the scenario, listed) for an invalid scenario. */
export function plannedChecks(def: ScenarioDef, scenario: string): PlannedCheck[] {
  const plan = planTopology(def, { scenario, runId: '000000' });
  return declaredChecks(plan, []).map(({ id, name }) => ({ id, name }));
}
