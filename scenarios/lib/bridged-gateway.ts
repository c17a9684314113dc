// Seed 003's bridged gateway: one box bridges its ethernet port and its access point into br0, which
// holds both the LAN address and the WAN transfer net. The modem hangs off the same office switch as
// the wired LAN. Addresses moved to RFC 5737 / RFC 1918 ranges.
//
//   internet 203.0.113.80 (HTTP) ── eth1 203.0.113.1  modem  eth0 198.51.100.1/30 ──┐
//                                                                                  switch
//   wired 10.1.1.10 ─────────────────────────────────────────────────────────────────┤
//                             ┌──────────── gateway ─────────────┐                   │
//                             │ br0 10.1.1.1/24, 198.51.100.2/30 │                   │
//   wifi 10.1.1.20 ── wlan0 ──┤ br0 = eth0 + wlan0, masquerade   ├── eth0 ───────────┘
//                             └──────────────────────────────────┘

import type { HttpProbeDef, InterfaceDef, RulesetDef, ScenarioDef } from 'natlab';

export const INTERNET_IP = '203.0.113.80';
export const GATEWAY_WAN_IP = '198.51.100.2';
export const WIRED_IP = '10.1.1.10';
export const WIFI_IP = '10.1.1.20';
const INTERNET_URL = `http://${INTERNET_IP}/`;

const MASQUERADE: RulesetDef = {
  format: 'iptables',
  text: [
    '*nat',
    '-A POSTROUTING -s 10.1.1.0/24 ! -d 10.1.1.0/24 -o br0 -j MASQUERADE',
    'COMMIT',
    '',
  ].join('\n'),
};

export interface GatewayOptions {
  /** Options for br0 and its ports, on top of the seed's setup. */
  br0?: Pick<InterfaceDef, 'nfCallIptables'>;
  eth0?: Pick<InterfaceDef, 'hairpin'>;
  wlan0?: Pick<InterfaceDef, 'hairpin'>;
  sysctls?: Record<string, string>;
  rulesets?: RulesetDef[];
  /** Warm ARP caches on the LAN clients, as on a network that was running before the change. */
  warmCaches?: boolean;
}

export function bridgedGateway(options: GatewayOptions = {}): Pick<ScenarioDef, 'nodes' | 'links'> {
  return {
    nodes: {
      internet: {
        kind: 'host',
        interfaces: { eth0: { addresses: [`${INTERNET_IP}/24`] } },
        routes: [{ to: 'default', via: '203.0.113.1' }],
        services: [{ kind: 'http', port: 80 }],
      },
      modem: {
        kind: 'router',
        interfaces: {
          eth0: { addresses: ['198.51.100.1/30'] },
          eth1: { addresses: ['203.0.113.1/24'] },
        },
      },
      switch: { kind: 'switch' },
      gateway: {
        kind: 'router',
        interfaces: {
          br0: {
            bridge: ['eth0', 'wlan0'],
            addresses: ['10.1.1.1/24', `${GATEWAY_WAN_IP}/30`],
            ...options.br0,
          },
          ...(options.eth0 ? { eth0: options.eth0 } : {}),
          ...(options.wlan0 ? { wlan0: options.wlan0 } : {}),
        },
        routes: [{ to: 'default', via: '198.51.100.1' }],
        sysctls: options.sysctls,
        rulesets: [MASQUERADE, ...(options.rulesets ?? [])],
      },
      wired: {
        kind: 'host',
        interfaces: { eth0: { addresses: [`${WIRED_IP}/24`] } },
        routes: [{ to: 'default', via: '10.1.1.1' }],
        neighbors: options.warmCaches
          ? { '10.1.1.1': 'gateway:br0', [WIFI_IP]: 'wifi:wlan0' }
          : undefined,
      },
      wifi: {
        kind: 'host',
        interfaces: { wlan0: { addresses: [`${WIFI_IP}/24`] } },
        routes: [{ to: 'default', via: '10.1.1.1' }],
        neighbors: options.warmCaches
          ? { '10.1.1.1': 'gateway:br0', [WIRED_IP]: 'wired:eth0' }
          : undefined,
      },
    },
    links: [
      { a: 'internet:eth0', b: 'modem:eth1' },
      { a: 'modem:eth0', b: 'switch' },
      { a: 'gateway:eth0', b: 'switch' },
      { a: 'wired:eth0', b: 'switch' },
      { a: 'gateway:wlan0', b: 'wifi:wlan0' },
    ],
  };
}

/** A LAN client fetching from the internet server; masquerade makes the server see the gateway. */
export function internetProbe(
  from: 'wired' | 'wifi',
  expect: HttpProbeDef['expect'],
): HttpProbeDef {
  return {
    name: from,
    from,
    url: INTERNET_URL,
    expect,
    ...(expect === 'connects' ? { serverSees: GATEWAY_WAN_IP } : {}),
  };
}
