// Links: each end resolved to a node's interface (a switch port named after its peer), veths made
// for ends no interface declares, and bridge ports attached to their bridges.

import { SWITCH_BRIDGE } from './plan-nodes.ts';
import type { PlanState } from './plan-state.ts';
import { nodeOf, type Point, parsePoint, pointId } from './point-id.ts';
import type { LinkPlan, NodePlan } from './topology-plan.ts';

export function planLinks({ def, nodes, problems }: PlanState): LinkPlan[] {
  const links: LinkPlan[] = [];
  const used = new Set<string>();
  (def.links ?? []).forEach((link, index) => {
    if (!link?.a || !link?.b) {
      problems.push(`link #${index + 1} needs two ends, a and b`);
      return;
    }
    const a = resolveEnd(link.a, link.b, nodes, problems);
    const b = resolveEnd(link.b, link.a, nodes, problems);
    if (!a || !b) return;
    for (const end of [a, b]) {
      const key = pointId(end.node, end.iface);
      if (used.has(key)) problems.push(`interface ${key} is on more than one link`);
      used.add(key);
    }
    attachVeth(nodes, a, b);
    attachVeth(nodes, b, a);
    links.push({ a, b });
  });
  return links;
}

function resolveEnd(
  ref: string,
  other: string,
  nodes: Map<string, NodePlan>,
  problems: string[],
): Point | undefined {
  const end = parsePoint(String(ref));
  const plan = end?.node ? nodes.get(end.node) : undefined;
  if (!end || !plan) {
    problems.push(`link end "${ref}" refers to an unknown node`);
    return undefined;
  }
  if (end.iface) return end;
  if (plan.kind !== 'switch') {
    problems.push(`link end "${ref}" needs an interface name ("${end.node}:eth0")`);
    return undefined;
  }
  // A switch port without a name is named after the node at the other end.
  return { node: end.node, iface: nodeOf(String(other)) };
}

function attachVeth(nodes: Map<string, NodePlan>, end: Point, peer: Point): void {
  const node = nodes.get(end.node);
  if (!node) return;
  let iface = node.interfaces.find((i) => i.name === end.iface);
  if (!iface) {
    iface = { name: end.iface, kind: 'veth', addresses: [] };
    if (node.kind === 'switch') iface.master = SWITCH_BRIDGE;
    node.interfaces.push(iface);
  }
  iface.peer = peer;
}

/** After the links, so ports that only a link declares exist. */
export function attachBridgePorts({ def, nodes, problems }: PlanState): void {
  for (const [name, node] of Object.entries(def.nodes ?? {})) {
    const interfaces = nodes.get(name)?.interfaces ?? [];
    for (const [ifname, iface] of Object.entries(node.interfaces ?? {})) {
      for (const port of iface.bridge ?? []) {
        const member = interfaces.find((i) => i.name === port);
        if (member?.kind !== 'veth') {
          problems.push(`node ${name}: bridge ${ifname} port "${port}" is not a linked interface`);
        } else if (member.master) {
          problems.push(
            `node ${name}: "${port}" cannot be a port of both ${member.master} and ${ifname}`,
          );
        } else {
          member.master = ifname;
        }
      }
    }
  }
}
