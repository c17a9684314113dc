// What every planning step reads and adds to: the scenario as written, the nodes planned so far,
// and the problems found, which the planner reports all at once after the last step.

import type { ScenarioDef } from '../scenario/define-scenario.ts';
import type { NodePlan } from './topology-plan.ts';

export interface PlanState {
  def: ScenarioDef;
  nodes: Map<string, NodePlan>;
  problems: string[];
}
