// Flow expectations: each names a capture point of the plan, a probe of the scenario, and address
// patterns that parse.

import { parseAddressPattern } from '../net/addresses.ts';
import type { PacketMatch } from '../scenario/define-scenario.ts';
import type { PlanState } from './plan-state.ts';
import type { CapturePointPlan, ProbePlan } from './topology-plan.ts';

export function checkFlows({
  def,
  problems,
  captures,
  probes,
}: PlanState & { captures: CapturePointPlan[]; probes: ProbePlan[] }): void {
  for (const [index, flow] of (def.flows ?? []).entries()) {
    const label = flow.name ?? `flow #${index + 1}`;
    if (!captures.some((c) => c.id === flow.at)) {
      problems.push(`${label}: capture point "${flow.at}" is not a node:iface of this scenario`);
    }
    if (flow.during !== undefined && !probes.some((p) => p.name === flow.during)) {
      problems.push(`${label}: during "${flow.during}" is not a probe of this scenario`);
    }
    problems.push(...checkMatch(label, flow.match));
  }
}

function checkMatch(label: string, match: PacketMatch): string[] {
  const problems: string[] = [];
  for (const key of ['src', 'dst'] as const) {
    const value = match[key];
    if (value !== undefined && !parseAddressPattern(value)) {
      problems.push(`${label}: match.${key} "${value}" is not an address or CIDR`);
    }
  }
  return problems;
}
