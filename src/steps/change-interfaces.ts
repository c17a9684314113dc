// A step's device changes: MTU, a bridge port's hairpin, then up or down; a device brought up is
// waited for (carrier, and a bridge port forwarding), by polling with a deadline.

import type { Topology } from '../backend/topology.ts';
import { NatlabError } from '../errors.ts';
import type { StepPlan } from '../plan/topology-plan.ts';

const POLL_MS = 10;
const UP_TIMEOUT_MS = 5000;

export async function changeInterface(
  topology: Topology,
  change: StepPlan['interfaces'][number],
): Promise<string> {
  const { node, iface, mtu, hairpin, up } = change;
  const ip = (...args: string[]) =>
    topology.exec(node, ['ip', 'link', 'set', 'dev', iface, ...args], {
      action: `set ${iface} ${args.join(' ')}`,
      stage: 'steps',
    });
  const said: string[] = [];
  if (mtu !== undefined) {
    await ip('mtu', String(mtu));
    said.push(`mtu ${mtu}`);
  }
  if (hairpin !== undefined) {
    await ip('type', 'bridge_slave', 'hairpin', hairpin ? 'on' : 'off');
    said.push(`hairpin ${hairpin ? 'on' : 'off'}`);
  }
  if (up !== undefined) {
    await ip(up ? 'up' : 'down');
    if (up) await waitUp(topology, node, iface);
    said.push(up ? 'up' : 'down');
  }
  return `${node}:${iface} ${said.join(', ')}`;
}

interface LinkState {
  operstate?: string;
  linkinfo?: { info_slave_kind?: string; info_slave_data?: { state?: string } };
}

/**
 * Up, or down only for want of its peer (LOWERLAYERDOWN: the other end is down, nothing to wait
 * for); a bridge port, forwarding too.
 */
async function waitUp(topology: Topology, node: string, iface: string): Promise<void> {
  const deadline = performance.now() + UP_TIMEOUT_MS;
  let state: LinkState | undefined;
  while (performance.now() < deadline) {
    const out = await topology.exec(node, ['ip', '-j', '-d', 'link', 'show', 'dev', iface], {
      action: `read ${iface} state`,
      stage: 'steps',
    });
    state = (JSON.parse(out.stdout) as LinkState[])[0];
    if (state?.operstate === 'LOWERLAYERDOWN') return;
    const port = state?.linkinfo?.info_slave_kind === 'bridge';
    const forwarding = !port || state?.linkinfo?.info_slave_data?.state === 'forwarding';
    if (state?.operstate === 'UP' && forwarding) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new NatlabError(
    `${node}:${iface} was not up within ${UP_TIMEOUT_MS} ms (operstate ${state?.operstate ?? 'unread'})`,
    { code: 'TIMEOUT', stage: 'steps', node },
  );
}
