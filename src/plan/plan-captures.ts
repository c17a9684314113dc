// Capture points: the "node:iface" list the scenario asks for (every veth by default), plus every
// point a flow expectation names, which switch ports record only what enters them, and which points
// record each direction apart (hairpin ports of a bridge inside a node, and the veth ends facing them).

import type { PlanState } from './plan-state.ts';
import { parsePoint, pointId } from './point-id.ts';
import type { CapturePointPlan } from './topology-plan.ts';

export function planCaptures({ def, nodes, problems }: PlanState): CapturePointPlan[] {
  const points: CapturePointPlan[] = [];
  const add = (node: string, iface: string) => {
    const id = pointId(node, iface);
    if (!points.some((p) => p.id === id))
      points.push({ node, iface, id, inboundOnly: false, perDirection: false });
  };
  const wanted = def.captures ?? [...nodes.keys()];
  for (const ref of wanted) {
    const point = parsePoint(ref);
    const node = point?.node ? nodes.get(point.node) : undefined;
    if (!point) {
      problems.push(`capture "${ref}" is not a node or a node:iface`);
      continue;
    }
    if (!node) {
      problems.push(`capture "${ref}" refers to an unknown node`);
      continue;
    }
    if (point.iface) {
      if (!node.interfaces.some((i) => i.name === point.iface && i.kind !== 'loopback')) {
        problems.push(`capture "${ref}": ${node.name} has no interface ${point.iface}`);
      }
      add(node.name, point.iface);
    } else {
      for (const iface of node.interfaces) if (iface.kind === 'veth') add(node.name, iface.name);
    }
  }
  // A capture point that a flow expectation names is always captured.
  for (const flow of def.flows ?? []) {
    const point = parsePoint(String(flow.at));
    const node = point ? nodes.get(point.node) : undefined;
    if (node && point?.iface && node.interfaces.some((i) => i.name === point.iface)) {
      add(node.name, point.iface);
    }
  }
  for (const point of points) {
    const node = nodes.get(point.node);
    const peer = node?.interfaces.find((i) => i.name === point.iface)?.peer;
    point.inboundOnly =
      node?.kind === 'switch' &&
      peer !== undefined &&
      points.some((p) => p.id === pointId(peer.node, peer.iface));
  }
  const hairpin = hairpinPorts(def, nodes);
  for (const point of points) {
    const peer = nodes.get(point.node)?.interfaces.find((i) => i.name === point.iface)?.peer;
    point.perDirection =
      !point.inboundOnly &&
      (hairpin.has(point.id) ||
        (peer !== undefined && hairpin.has(pointId(peer.node, peer.iface))));
  }
  return points;
}

/** Ports of bridges inside nodes (not natlab's switches) in hairpin mode at the start or in a step. */
function hairpinPorts(def: PlanState['def'], nodes: PlanState['nodes']): Set<string> {
  const ports = new Set<string>();
  for (const node of nodes.values()) {
    if (node.kind === 'switch') continue;
    for (const iface of node.interfaces)
      if (iface.master && iface.hairpin) ports.add(pointId(node.name, iface.name));
  }
  for (const step of def.steps ?? []) {
    for (const [point, change] of Object.entries(step.interfaces ?? {})) {
      const parsed = parsePoint(point);
      if (change.hairpin && parsed?.iface && nodes.get(parsed.node)?.kind !== 'switch')
        ports.add(pointId(parsed.node, parsed.iface));
    }
  }
  return ports;
}
