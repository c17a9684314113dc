// The forward part of firewall4's filter, for a config whose ruleset asks for it (`filter: true`):
// the forward chain with the defaults' policy, one forward_<zone> chain per zone (its forwardings,
// "ct status dnat accept" where the zone has port forwards, then the zone's own forward policy),
// and the <policy>_to_<zone> chains those name. Laid out as fw4's ruleset.uc writes them; input and
// output are not translated. Pure.

import type { OpenWrtFirewall, Policy } from './openwrt-firewall.ts';
import { set } from './openwrt-text.ts';
import type { ResolvedZone } from './openwrt-zones.ts';

const devices = (z: ResolvedZone) => set(z.devices.map((d) => `"${d}"`));

/** "accept_to_wan": what fw4 writes for traffic leaving through a zone with that verdict. */
function verdictChain(policy: Policy, z: ResolvedZone): string[] {
  const out = `oifname ${devices(z)}`;
  const name = z.zone.name;
  const leak = z.zone.masq
    ? [`meta nfproto ipv4 ${out} ct state invalid counter drop comment "!fw4: Prevent NAT leakage"`]
    : [];
  const verdict =
    policy === 'reject'
      ? `${out} counter jump handle_reject comment "!fw4: reject ${name} IPv4/IPv6 traffic"`
      : `${out} counter ${policy} comment "!fw4: ${policy} ${name} IPv4/IPv6 traffic"`;
  return [...(policy === 'accept' ? leak : []), verdict];
}

/** The filter chains, each as its lines, for the zones natlab placed on the router. */
export function forwardChains(model: OpenWrtFirewall, zones: readonly ResolvedZone[]): string[][] {
  const byName = new Map(zones.map((z) => [z.zone.name, z]));
  const used = new Set<string>();
  const forward = [
    `type filter hook forward priority filter; policy ${model.forward === 'accept' ? 'accept' : 'drop'};`,
    'ct state established,related accept comment "!fw4: Allow forwarded established and related flows"',
    ...zones.map(
      (z) =>
        `iifname ${devices(z)} jump forward_${z.zone.name} comment "!fw4: Handle ${z.zone.name} IPv4/IPv6 forward traffic"`,
    ),
    ...(model.forward === 'reject' ? ['jump handle_reject'] : []),
  ];
  const perZone = zones.map((z) => {
    const to = (policy: Policy, zone: string) => {
      used.add(`${policy}_to_${zone}`);
      return `${policy}_to_${zone}`;
    };
    const forwardings = model.forwardings
      .filter((f) => f.enabled && f.src === z.zone.name && f.dest && byName.has(f.dest))
      .map(
        (f) =>
          `jump ${to('accept', f.dest ?? '')} comment "!fw4: Accept ${z.zone.name} to ${f.dest} forwarding"`,
      );
    return [
      `chain forward_${z.zone.name} {`,
      ...forwardings,
      ...(z.dnat.length > 0 ? ['ct status dnat accept comment "!fw4: Accept port forwards"'] : []),
      `jump ${to(z.zone.forward, z.zone.name)}`,
    ];
  });
  // As fw4 lays them out: each zone's forward_ chain, then the verdict chains of that zone.
  const zoneChains = zones.flatMap((z, i): string[][] => [
    perZone[i] ?? [],
    ...(['accept', 'reject', 'drop'] as const)
      .filter((policy) => used.has(`${policy}_to_${z.zone.name}`))
      .map((policy) => [`chain ${policy}_to_${z.zone.name} {`, ...verdictChain(policy, z)]),
  ]);
  return [
    ['chain forward {', ...forward],
    [
      'chain handle_reject {',
      'meta l4proto tcp reject with tcp reset comment "!fw4: Reject TCP traffic"',
      'reject with icmpx type port-unreachable comment "!fw4: Reject any other traffic"',
    ],
    ...zoneChains,
  ];
}
