// The kernel applies carrier and bridge port state changes in its linkwatch work, after the links
// were set up; until then a veth drops what it is given and a bridge port is "disabled". The build
// waits on that state, by polling it with a deadline, never by sleeping a guessed time.

import { NatlabError } from '../../errors.ts';
import type { NodePlan, TopologyPlan } from '../../plan/topology-plan.ts';
import { runCommand } from '../../system/run-command.ts';

interface LinkState {
  ifname: string;
  operstate?: string;
  linkinfo?: { info_slave_data?: { state?: string } };
}

const POLL_MS = 10;

/** veths-up: every veth reports operstate UP. ports-forwarding: every bridge port forwards. */
export type LinkCondition = 'veths-up' | 'ports-forwarding';

export async function waitForLinks(
  plan: TopologyPlan,
  condition: LinkCondition,
  { timeoutMs = 5000, signal }: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let pending = condition === 'veths-up' ? vethWitnesses(plan) : plan.nodes;
  while (pending.length > 0) {
    const states = await Promise.all(pending.map((node) => notReady(node, condition, signal)));
    const waiting = pending
      .map((node, i) => ({ node, links: states[i] ?? [] }))
      .filter((n) => n.links.length > 0);
    if (waiting.length === 0) return;
    if (performance.now() > deadline) {
      const list = waiting.map((w) => `${w.node.name}: ${w.links.join(', ')}`).join('; ');
      throw new NatlabError(`failed to see ${condition} within ${timeoutMs} ms: ${list}`, {
        code: 'TIMEOUT',
        stage: 'build',
      });
    }
    pending = waiting.map((w) => w.node);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * A veth is UP only once both its ends are up, so one end per link tells for the pair. Reading the
 * busiest nodes first covers every link with few reads: one for a single switch with 500 hosts.
 */
export function vethWitnesses(plan: TopologyPlan): NodePlan[] {
  const uncovered = new Set(plan.links);
  const chosen: NodePlan[] = [];
  while (uncovered.size > 0) {
    const covers = (node: NodePlan) =>
      [...uncovered].filter((l) => l.a.node === node.name || l.b.node === node.name);
    const best = plan.nodes.reduce((a, b) => (covers(b).length > covers(a).length ? b : a));
    const covered = covers(best);
    if (covered.length === 0) break;
    for (const link of covered) uncovered.delete(link);
    chosen.push(best);
  }
  return chosen;
}

/** The planned links of a node that do not meet the condition yet, as "iface (state)". */
async function notReady(
  node: NodePlan,
  condition: LinkCondition,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const wanted = node.interfaces.filter((i) =>
    condition === 'veths-up' ? i.kind === 'veth' : i.master,
  );
  if (wanted.length === 0) return [];
  const out = await runCommand(['ip', '-n', node.netns, '-d', '-j', 'link', 'show'], {
    action: 'read link states',
    stage: 'build',
    node: node.name,
    signal,
  });
  const links = new Map((JSON.parse(out.stdout) as LinkState[]).map((l) => [l.ifname, l]));
  return wanted.flatMap((iface) => {
    const link = links.get(iface.name);
    const state =
      condition === 'veths-up' ? link?.operstate : link?.linkinfo?.info_slave_data?.state;
    const goal = condition === 'veths-up' ? 'UP' : 'forwarding';
    return state === goal ? [] : [`${iface.name} (${state ?? 'missing'})`];
  });
}
