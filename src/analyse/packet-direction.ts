// Which way a frame crossed a capture point, from its source MAC and the L2 topology of the plan.
// A frame whose sender sits on the far side of the link came in; anything else went out.

import type { CapturePointPlan, NodePlan, TopologyPlan } from '../plan/topology-plan.ts';

export type Direction = 'in' | 'out';

export type DirectionOf = (point: string, srcMac: string) => Direction;

export function directionResolver(plan: TopologyPlan): DirectionOf {
  const farSide = new Map(plan.captures.map((p) => [p.id, farSideMacs(plan, p)]));
  return (point, srcMac) => (farSide.get(point)?.has(srcMac) ? 'in' : 'out');
}

function farSideMacs(plan: TopologyPlan, point: CapturePointPlan): Set<string> {
  const nodes = new Map(plan.nodes.map((n) => [n.name, n]));
  const start = nodes.get(point.node)?.interfaces.find((i) => i.name === point.iface)?.peer;
  const macs = new Set<string>();
  if (!start) return macs;
  const seen = new Set([`${point.node}:${point.iface}`]);
  const queue = [start];
  for (let here = queue.shift(); here; here = queue.shift()) {
    const key = `${here.node}:${here.iface}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const node = nodes.get(here.node);
    const iface = node?.interfaces.find((i) => i.name === here.iface);
    if (!node || !iface) continue;
    if (iface.mac) macs.add(iface.mac);
    if (iface.peer) queue.push(iface.peer);
    for (const sibling of sameBridge(
      node,
      iface.master ?? (iface.kind === 'bridge' ? iface.name : undefined),
    )) {
      queue.push({ node: node.name, iface: sibling });
    }
  }
  return macs;
}

/** The bridge and all its ports: one L2 segment inside a node. */
function sameBridge(node: NodePlan, bridge: string | undefined): string[] {
  if (!bridge) return [];
  return [bridge, ...node.interfaces.filter((i) => i.master === bridge).map((i) => i.name)];
}
