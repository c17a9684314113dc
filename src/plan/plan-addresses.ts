// Addressing: every address a valid CIDR and owned once, every route's gateway on a connected
// subnet, and each static neighbour resolved to the MAC of the node:iface it names.

import { type Cidr, cidrContains, parseAddress, parseCidr } from '../net/addresses.ts';
import type { PlanState } from './plan-state.ts';
import { parsePoint, pointId } from './point-id.ts';
import type { NodePlan } from './topology-plan.ts';

export function checkAddresses({ nodes, problems }: PlanState): void {
  const owners = new Map<string, string>();
  for (const node of nodes.values()) {
    for (const iface of node.interfaces) {
      for (const text of iface.addresses) {
        const where = pointId(node.name, iface.name);
        const cidr = parseCidr(text);
        if (!cidr) {
          problems.push(`address "${text}" on ${where} is not a valid CIDR (e.g. 192.168.1.10/24)`);
          continue;
        }
        // An address on lo is local to its node by design (seed 003's secondary /32 on the server).
        if (iface.kind === 'loopback') continue;
        const key = cidr.address.toString();
        const owner = owners.get(key);
        if (owner) problems.push(`address ${key} is on both ${owner} and ${where}`);
        owners.set(key, where);
      }
    }
  }
}

/** Subnets directly attached to a node. */
function connectedSubnets(node: NodePlan): Cidr[] {
  return node.interfaces.flatMap((i) => i.addresses.map(parseCidr).filter((c) => c !== undefined));
}

export function checkRoutes({ nodes, problems }: PlanState): void {
  for (const node of nodes.values()) {
    const subnets = connectedSubnets(node);
    for (const route of node.routes) {
      const via = parseAddress(route.via);
      if (route.to !== 'default' && !parseCidr(route.to)) {
        problems.push(
          `node ${node.name}: route destination "${route.to}" is not "default" or a CIDR`,
        );
      }
      if (!via) {
        problems.push(`node ${node.name}: route gateway "${route.via}" is not an address`);
      } else if (!subnets.some((s) => cidrContains(s, via))) {
        problems.push(
          `node ${node.name}: route to ${route.to} via ${route.via} is unreachable: no interface of ${node.name} is on a subnet holding ${route.via}`,
        );
      }
    }
  }
}

/** After the MACs are assigned. */
export function resolveNeighbors({ def, nodes, problems }: PlanState): void {
  for (const [name, nodeDef] of Object.entries(def.nodes ?? {})) {
    const node = nodes.get(name);
    for (const [address, ref] of Object.entries(nodeDef.neighbors ?? {})) {
      const peer = parsePoint(ref);
      const mac = peer && nodes.get(peer.node)?.interfaces.find((i) => i.name === peer.iface)?.mac;
      const ip = parseAddress(address);
      const dev = node?.interfaces.find((i) =>
        i.addresses.some((a) => {
          const cidr = parseCidr(a);
          return ip !== undefined && cidr !== undefined && cidrContains(cidr, ip);
        }),
      );
      if (!ip || !dev) {
        problems.push(`node ${name}: neighbor ${address} is not an address on a connected subnet`);
      } else if (!mac) {
        problems.push(
          `node ${name}: neighbor ${address} → "${ref}" is not a node:iface with a MAC`,
        );
      } else {
        node?.neighbors.push({ address, mac, dev: dev.name });
      }
    }
  }
}
