// What the analysis needs to know about the lab, from the plan alone: who owns an address, which
// nodes are switches, and whether every way out of a node is captured.

import { ipv4Broadcast } from '../net/addresses.ts';
import { pointId } from '../plan/point-id.ts';
import type { NodePlan, TopologyPlan } from '../plan/topology-plan.ts';

export interface LabView {
  /** The node holding this address on one of its interfaces. */
  ownerOf(address: string): string | undefined;
  /** Broadcast, multicast or link-local: never forwarded, so a packet to it ends where it lands. */
  staysOnLink(address: string): boolean;
  node(name: string): NodePlan | undefined;
  /** Every veth of the node is captured: a packet never seen leaving it did not leave. */
  fullyCaptured(name: string): boolean;
  /** The node bridges with br_netfilter on and has rules: bridged frames pass iptables and conntrack. */
  bridgesThroughNetfilter(name: string): boolean;
}

export function labView(plan: TopologyPlan): LabView {
  const owners = new Map<string, string>();
  const broadcasts = new Set<string>();
  for (const node of plan.nodes) {
    for (const iface of node.interfaces) {
      for (const cidr of iface.addresses) {
        owners.set(cidr.split('/')[0] ?? '', node.name);
        const broadcast = ipv4Broadcast(cidr);
        if (broadcast) broadcasts.add(broadcast);
      }
    }
  }
  const captured = new Set(plan.captures.map((c) => c.id));
  const nodes = new Map(plan.nodes.map((n) => [n.name, n]));
  return {
    ownerOf: (address) => owners.get(address),
    staysOnLink: (address) =>
      broadcasts.has(address) ||
      address === '255.255.255.255' ||
      /^(22[4-9]|23\d|169\.254)\./.test(address) ||
      /^(ff|fe[89ab])/i.test(address),
    node: (name) => nodes.get(name),
    // A switch port records only what enters the switch; what leaves shows at the port's peer.
    fullyCaptured: (name) =>
      (nodes.get(name)?.interfaces ?? [])
        .filter((i) => i.kind === 'veth')
        .every(
          (i) =>
            captured.has(pointId(name, i.name)) &&
            (nodes.get(name)?.kind !== 'switch' ||
              (i.peer !== undefined && captured.has(pointId(i.peer.node, i.peer.iface)))),
        ),
    bridgesThroughNetfilter: (name) => {
      const node = nodes.get(name);
      if (!node || node.kind === 'switch' || node.rulesets.length === 0) return false;
      const bridges = node?.interfaces.filter((i) => i.kind === 'bridge') ?? [];
      // The kernel ORs the per-bridge option with the per-namespace sysctl, which defaults to 1.
      const sysctlOn = node?.sysctls['net.bridge.bridge-nf-call-iptables'] !== '0';
      return bridges.some((b) => b.nfCallIptables === true || sysctlOn);
    },
  };
}
