// The IPv6 NAT (NAT66) lab: the hairpin lab's shape on IPv6 alone. The router's public address is
// from the documentation prefix 2001:db8::/32, the LAN is a ULA (fd00::/8) behind it, and the router
// port-forwards HTTP, a UDP port and a TCP port to the server, with a masquerade out wan0.
//
//   remote 2001:db8:100::10 ── isp (2001:db8:100::1 | 2001:db8:203::254) ── wan0 2001:db8:203::1 router
//                                                                            lan0 fd00:1::1 ──┐
//                                        lan switch: server fd00:1::2 (HTTP :80, UDP :51820, TCP :2222)
//                                                    client fd00:1::10

import type { NodeDef, RulesetDef, ScenarioDef } from 'natlab';

export const PUBLIC6 = '2001:db8:203::1';
export const REMOTE6 = '2001:db8:100::10';
export const ROUTER_LAN6 = 'fd00:1::1';
export const SERVER6 = 'fd00:1::2';
export const CLIENT6 = 'fd00:1::10';
export const LAN6 = 'fd00:1::/64';
export const PUBLIC6_URL = `http://[${PUBLIC6}]/`;
export const UDP_PORT = 51820;
export const TCP_PORT = 2222;

const host = (address: string, gateway: string, extra: Partial<NodeDef> = {}): NodeDef => ({
  kind: 'host',
  ipv6: true,
  interfaces: { eth0: { addresses: [`${address}/64`] } },
  routes: [{ to: 'default', via: gateway }],
  ...extra,
});

/** The lab with these rulesets on the router; every node IPv6, none with an IPv4 address. */
export function ipv6NatLab(router: RulesetDef[]): Pick<ScenarioDef, 'nodes' | 'links'> {
  return {
    nodes: {
      remote: host(REMOTE6, '2001:db8:100::1'),
      isp: {
        kind: 'router',
        ipv6: true,
        interfaces: {
          eth0: { addresses: ['2001:db8:100::1/64'] },
          eth1: { addresses: ['2001:db8:203::254/64'] },
        },
      },
      router: {
        kind: 'router',
        ipv6: true,
        interfaces: {
          wan0: { addresses: [`${PUBLIC6}/64`] },
          lan0: { addresses: [`${ROUTER_LAN6}/64`] },
        },
        routes: [{ to: 'default', via: '2001:db8:203::254' }],
        rulesets: router,
      },
      lan: { kind: 'switch' },
      server: host(SERVER6, ROUTER_LAN6, {
        services: [
          { kind: 'http', port: 80 },
          { kind: 'udp', port: UDP_PORT },
          { kind: 'tcp', port: TCP_PORT },
        ],
      }),
      client: host(CLIENT6, ROUTER_LAN6),
    },
    links: [
      { a: 'remote:eth0', b: 'isp:eth0' },
      { a: 'isp:eth1', b: 'router:wan0' },
      { a: 'router:lan0', b: 'lan' },
      { a: 'client:eth0', b: 'lan' },
      { a: 'server:eth0', b: 'lan' },
    ],
  };
}

/** The port forwards (HTTP, UDP, TCP) and the masquerade out wan0, as ip6tables-restore input. */
export function ip6PortForward(extra: string[] = []): RulesetDef {
  const dnat = (proto: string, port: number) =>
    `-A PREROUTING -d ${PUBLIC6}/128 -p ${proto} -m ${proto} --dport ${port} -j DNAT --to-destination ${SERVER6}`;
  return {
    format: 'ip6tables',
    text: [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':INPUT ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ':POSTROUTING ACCEPT [0:0]',
      dnat('tcp', 80),
      dnat('udp', UDP_PORT),
      dnat('tcp', TCP_PORT),
      '-A POSTROUTING -o wan0 -j MASQUERADE',
      ...extra,
      'COMMIT',
      '',
    ].join('\n'),
  };
}

/** The hairpin fix: LAN → server traffic masqueraded out lan0, so the reply returns through the router. */
export const HAIRPIN_MASQUERADE6 = `-A POSTROUTING -s ${LAN6} -d ${SERVER6}/128 -o lan0 -j MASQUERADE`;

/** The same port forwards in nft, in a table of `family` (ip6 or inet); `hairpin` adds the fix. */
export function nftPortForward(family: 'ip6' | 'inet', hairpin: boolean): RulesetDef {
  // An inet table holds both families, so its dnat names the one it means.
  const dnat = family === 'inet' ? 'dnat ip6 to' : 'dnat to';
  return {
    format: 'nft',
    text: [
      `table ${family} nat {`,
      '  chain prerouting {',
      '    type nat hook prerouting priority dstnat; policy accept;',
      `    ip6 daddr ${PUBLIC6} tcp dport { 80, ${TCP_PORT} } counter ${dnat} ${SERVER6}`,
      `    ip6 daddr ${PUBLIC6} udp dport ${UDP_PORT} counter ${dnat} ${SERVER6}`,
      '  }',
      '  chain postrouting {',
      '    type nat hook postrouting priority srcnat; policy accept;',
      '    oifname "wan0" counter masquerade',
      ...(hairpin
        ? [`    ip6 saddr ${LAN6} ip6 daddr ${SERVER6} oifname "lan0" counter masquerade`]
        : []),
      '  }',
      '}',
      '',
    ].join('\n'),
  };
}
