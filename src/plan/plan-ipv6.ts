// IPv6 is off on a node unless it says `ipv6: true`; an IPv6 address, route, neighbour or probe
// there would be refused by the kernel or fail silently, so the plan names its path instead.

import { type Address, parseAddress, parseCidr } from '../net/addresses.ts';
import type { ProbeDef } from '../scenario/define-scenario.ts';
import type { PlanState } from './plan-state.ts';

const isV6 = (address: Address | undefined) => address?.kind() === 'ipv6';
const cidrIsV6 = (text: string) => isV6(parseCidr(text)?.address);

export function checkIpv6Use({ def, problems }: PlanState): void {
  const refuse = (path: string, value: string, node: string) =>
    problems.push(`${path}: "${value}" is IPv6, and node ${node} has no ipv6: true`);
  for (const [name, node] of Object.entries(def.nodes ?? {})) {
    if (node.ipv6) continue;
    for (const [ifname, iface] of Object.entries(node.interfaces ?? {}))
      (iface.addresses ?? []).forEach((a, i) => {
        if (cidrIsV6(a)) refuse(`nodes.${name}.interfaces.${ifname}.addresses[${i}]`, a, name);
      });
    (node.routes ?? []).forEach((route, i) => {
      if (route.to !== 'default' && cidrIsV6(route.to))
        refuse(`nodes.${name}.routes[${i}].to`, route.to, name);
      if (isV6(parseAddress(route.via))) refuse(`nodes.${name}.routes[${i}].via`, route.via, name);
    });
    for (const address of Object.keys(node.neighbors ?? {}))
      if (isV6(parseAddress(address))) refuse(`nodes.${name}.neighbors`, address, name);
  }
  const probes = [
    ...(def.probes ?? []).map((probe, i) => ({ probe, path: `probes[${i}]` })),
    ...(def.steps ?? []).flatMap((s, si) =>
      (s.probes ?? []).map((probe, i) => ({ probe, path: `steps[${si}].probes[${i}]` })),
    ),
  ];
  for (const { probe, path } of probes) {
    const [key, target] = probeTarget(probe);
    if (!isV6(parseAddress(target))) continue;
    if ('ping' in probe && probe.broadcast)
      problems.push(`${path}.broadcast: IPv6 has no broadcast; ping ${target} without it`);
    if (def.nodes?.[probe.from] && !def.nodes[probe.from]?.ipv6)
      refuse(`${path}.${key}`, target, probe.from);
  }
}

/** The key and the literal address (or name) a probe is sent to. */
function probeTarget(probe: ProbeDef): [string, string] {
  if ('ping' in probe) return ['ping', probe.ping];
  if ('kind' in probe) return ['to', probe.to];
  let host = '';
  try {
    host = new URL(probe.url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    // A URL that does not parse is planProbes' to refuse.
  }
  return ['url', host];
}
