// Kernel-state expectations: each names a node whose kernel state is read (one with rulesets), with
// address patterns that parse and at least one count to judge (the schema checks the ranges).

import { parseAddressPattern } from '../net/addresses.ts';
import type { PlanState } from './plan-state.ts';
import { type KernelChecksPlan, rulesetFormats, type StepPlan } from './topology-plan.ts';

export function planKernelChecks({
  def,
  nodes,
  problems,
  steps,
}: PlanState & { steps: StepPlan[] }): KernelChecksPlan {
  const planned = { nodes: [...nodes.values()], steps };
  const onNode = (label: string, on: string, what: string) => {
    const node = nodes.get(on);
    if (!node) problems.push(`${label}: on "${on}" is not a node of this scenario`);
    else if (rulesetFormats(planned, on).size === 0)
      problems.push(
        `${label}: node "${on}" has no rulesets, so natlab reads no ${what} there; give it a ruleset or expect them on a node that has one`,
      );
  };
  for (const [index, c] of (def.conntrack ?? []).entries()) {
    const label = c.name ?? `conntrack #${index + 1}`;
    onNode(label, c.on, 'conntrack table');
    if (c.during && c.step)
      problems.push(
        `${label}: during "run" already spans every step; give step or during, not both`,
      );
    for (const dir of ['orig', 'reply'] as const) {
      for (const key of ['src', 'dst'] as const) {
        const value = c.match[dir]?.[key];
        if (value !== undefined && !parseAddressPattern(value))
          problems.push(`${label}: match.${dir}.${key} "${value}" is not an address or CIDR`);
      }
    }
  }
  for (const step of steps)
    for (const on of step.reset.counters) onNode(`step ${step.name}: reset`, on, 'rule counters');
  for (const [index, c] of (def.counters ?? []).entries()) {
    const label = c.name ?? `counter #${index + 1}`;
    onNode(label, c.on, 'rule counters');
    if (!c.packets && !c.bytes) problems.push(`${label}: give packets or bytes bounds to check`);
  }
  return {
    conntrack: def.conntrack ?? [],
    counters: def.counters ?? [],
    health: def.kernelHealth ?? true,
  };
}
