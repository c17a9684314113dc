// Flow expectations: each names a capture point of the plan, a probe of the scenario, address
// patterns that parse, and match fields that one packet can carry together.

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
  const contradiction = contradictionOf(match);
  if (contradiction) problems.push(`${label}: ${contradiction}, so no packet can match`);
  return problems;
}

/** The ethertypes each protocol of a match can ride on. */
const ETHERTYPES = {
  arp: [0x0806],
  tcp: [0x0800, 0x86dd],
  udp: [0x0800, 0x86dd],
  icmp: [0x0800, 0x86dd],
};

/** Fields that no one packet can carry together: an 'absent' over them would pass vacuously. */
function contradictionOf(match: PacketMatch): string | undefined {
  const { proto, icmp, ethertype } = match;
  if (icmp && proto && proto !== 'icmp') return `match.icmp is given with proto '${proto}'`;
  if (icmp && (match.sport !== undefined || match.dport !== undefined || match.tcp))
    return 'match.icmp is given with ports or TCP flags';
  if (proto && ethertype !== undefined && !ETHERTYPES[proto].includes(ethertype))
    return `proto '${proto}' never rides on ethertype 0x${ethertype.toString(16)}`;
  if (match.ipLength !== undefined && proto === 'arp')
    return "match.ipLength is given with proto 'arp'";
  return undefined;
}
