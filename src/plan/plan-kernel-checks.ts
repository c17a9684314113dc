// Kernel-state expectations: each names a node whose kernel state is read (one with rulesets), with
// address patterns that parse and count bounds that can hold.

import { parseAddressPattern } from '../net/addresses.ts';
import type { CountBounds } from '../scenario/define-scenario.ts';
import type { PlanState } from './plan-state.ts';
import type { KernelChecksPlan } from './topology-plan.ts';

export function planKernelChecks({ def, nodes, problems }: PlanState): KernelChecksPlan {
  const onNode = (label: string, on: string, what: string) => {
    const node = nodes.get(on);
    if (!node) problems.push(`${label}: on "${on}" is not a node of this scenario`);
    else if (node.rulesets.length === 0)
      problems.push(
        `${label}: node "${on}" has no rulesets, so natlab reads no ${what} there; give it a ruleset or expect them on a node that has one`,
      );
  };
  for (const [index, c] of (def.conntrack ?? []).entries()) {
    const label = c.name ?? `conntrack #${index + 1}`;
    onNode(label, c.on, 'conntrack table');
    for (const dir of ['orig', 'reply'] as const) {
      for (const key of ['src', 'dst'] as const) {
        const value = c.match[dir]?.[key];
        if (value !== undefined && !parseAddressPattern(value))
          problems.push(`${label}: match.${dir}.${key} "${value}" is not an address or CIDR`);
      }
    }
  }
  for (const [index, c] of (def.counters ?? []).entries()) {
    const label = c.name ?? `counter #${index + 1}`;
    onNode(label, c.on, 'rule counters');
    if (!c.packets && !c.bytes) problems.push(`${label}: give packets or bytes bounds to check`);
    for (const key of ['packets', 'bytes'] as const) {
      const problem = boundsProblem(c[key]);
      if (problem) problems.push(`${label}: ${key} ${problem}`);
    }
  }
  return {
    conntrack: def.conntrack ?? [],
    counters: def.counters ?? [],
    health: def.kernelHealth ?? true,
  };
}

function boundsProblem(bounds: CountBounds | undefined): string | undefined {
  if (!bounds) return undefined;
  const { exactly, atLeast, atMost } = bounds;
  if (exactly === undefined && atLeast === undefined && atMost === undefined)
    return 'gives no bound (exactly, atLeast or atMost)';
  if (atLeast !== undefined && atMost !== undefined && atLeast > atMost)
    return `atLeast ${atLeast} is above atMost ${atMost}: no count can hold`;
  if (exactly !== undefined && (exactly < (atLeast ?? 0) || exactly > (atMost ?? exactly)))
    return `exactly ${exactly} is outside atLeast/atMost`;
  return undefined;
}
