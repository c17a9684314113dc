// Steps: each name unique, every node, device and sysctl a step changes one of the lab's, its
// rulesets checked as a node's are; and every check scoped to a step names one.

import type { RulesetDef, ScenarioDef } from '../scenario/define-scenario.ts';
import { pathText } from '../scenario/validate-scenario.ts';
import { IPV6_MIN_MTU, rulesetProblems } from './plan-nodes.ts';
import type { PlanState } from './plan-state.ts';
import { sysctlDeviceProblem } from './plan-sub-interfaces.ts';
import { parsePoint } from './point-id.ts';
import type { ProbePlan, StepPlan } from './topology-plan.ts';

export function planSteps({ def, nodes, problems }: PlanState): StepPlan[] {
  const names = new Set<string>();
  return (def.steps ?? []).map((step, index) => {
    const at = (...path: (string | number)[]) => pathText(['steps', index, ...path]);
    if (names.has(step.name)) problems.push(`${at('name')}: step "${step.name}" is used twice`);
    names.add(step.name);
    /** The node a key names, or a problem saying it is none of the lab's. */
    const nodeAt = (node: string, ...path: (string | number)[]) => {
      const planned = nodes.get(node);
      if (!planned) problems.push(`${at(...path)}: unknown node "${node}"`);
      return planned;
    };
    const rulesets: StepPlan['rulesets'] = [];
    for (const [node, change] of Object.entries(step.rulesets ?? {})) {
      const planned = nodeAt(node, 'rulesets', node);
      if (planned?.kind === 'switch')
        problems.push(`${at('rulesets', node)}: switch ${node} cannot have rulesets`);
      const [kind, list]: [StepPlan['rulesets'][number]['change'], RulesetDef[]] =
        'replace' in change
          ? ['replace', change.replace]
          : 'add' in change
            ? ['add', change.add]
            : ['flush', []];
      problems.push(...rulesetProblems(at('rulesets', node), list, planned?.interfaces ?? []));
      rulesets.push({ node, change: kind, rulesets: list });
    }
    const sysctls: StepPlan['sysctls'] = [];
    for (const [node, settings] of Object.entries(step.sysctls ?? {})) {
      const planned = nodeAt(node, 'sysctls', node);
      for (const key of Object.keys(settings)) {
        const problem = planned && sysctlDeviceProblem(planned, node, key);
        if (problem) problems.push(`${at('sysctls', node, key)}: ${problem}`);
      }
      sysctls.push({ node, settings });
    }
    const interfaces: StepPlan['interfaces'] = [];
    for (const [point, change] of Object.entries(step.interfaces ?? {})) {
      const where = at('interfaces', point);
      const parsed = parsePoint(point);
      if (!parsed?.iface) {
        problems.push(`${where}: "${point}" is not "node:iface"`);
        continue;
      }
      const planned = nodeAt(parsed.node, 'interfaces', point);
      const iface = planned?.interfaces.find((i) => i.name === parsed.iface);
      if (planned && !iface) {
        const have = planned.interfaces.map((i) => i.name).join(', ');
        problems.push(
          `${where}: unknown interface "${parsed.iface}" on node ${parsed.node} (it has ${have})`,
        );
      }
      if (iface && change.hairpin !== undefined && !iface.master)
        problems.push(`${where}.hairpin: ${point} is not a bridge port`);
      if (planned && def.nodes[parsed.node]?.ipv6 && change.mtu !== undefined) {
        if (change.mtu < IPV6_MIN_MTU)
          problems.push(
            `${where}.mtu: ${change.mtu} is below ${IPV6_MIN_MTU}, the IPv6 minimum, and node ${parsed.node} has ipv6: true`,
          );
      }
      interfaces.push({ ...parsed, ...change });
    }
    const reset = { conntrack: step.reset?.conntrack ?? [], counters: step.reset?.counters ?? [] };
    for (const key of ['conntrack', 'counters'] as const)
      for (const [i, node] of reset[key].entries()) nodeAt(node, 'reset', key, i);
    return { name: step.name, rulesets, sysctls, interfaces, reset };
  });
}

/** Each check's `step` names a step, and a flow's `during` probe, when both are given, is one of that step's. */
export function checkStepScopes(
  def: ScenarioDef,
  { steps, probes, problems }: { steps: StepPlan[]; probes: ProbePlan[]; problems: string[] },
): void {
  const names = new Set(steps.map((s) => s.name));
  for (const key of ['flows', 'conntrack', 'counters'] as const) {
    for (const [index, check] of (def[key] ?? []).entries()) {
      if (check.step === undefined) continue;
      const where = pathText([key, index, 'step']);
      if (!names.has(check.step)) {
        const known = [...names].map((n) => `"${n}"`).join(', ') || 'none';
        problems.push(`${where}: "${check.step}" is not a step of this scenario (steps: ${known})`);
        continue;
      }
      const during = 'during' in check ? check.during : undefined;
      const probe = probes.find((p) => p.name === during);
      if (probe && probe.step !== check.step)
        problems.push(`${where}: probe "${during}" does not run in step "${check.step}"`);
    }
  }
}
