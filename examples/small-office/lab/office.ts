// The small office as natlab builds it: the gateway under test, its ISP, a host on the internet and
// the office LAN. Public addresses come from RFC 5737, the LAN from RFC 1918.
//
//   internet 198.51.100.10 ── isp (198.51.100.1 | 192.0.2.1) ── wan0 192.0.2.2  gw
//                                                              lan0 10.20.0.1 ──┐
//                                             lan switch: web 10.20.0.20 (HTTP :80)
//                                                         nas 10.20.0.30 (HTTP :80)
//                                                         desk 10.20.0.100

import { readFileSync } from 'node:fs';
import type { FlowExpectationDef, HttpProbeDef, ScenarioDef } from 'natlab';

export const PUBLIC_IP = '192.0.2.2';
export const GATEWAY_LAN_IP = '10.20.0.1';
export const INTERNET_IP = '198.51.100.10';
export const DESK_IP = '10.20.0.100';
export const LAN = '10.20.0.0/24';

/** The ruleset under test, read from the repository as it will be deployed. */
const OFFICE_RULES = readFileSync(new URL('../rulesets/office.nft', import.meta.url), 'utf8');

const lanHost = (address: string, http: boolean): ScenarioDef['nodes'][string] => ({
  kind: 'host',
  interfaces: { eth0: { addresses: [`${address}/24`] } },
  routes: [{ to: 'default', via: GATEWAY_LAN_IP }],
  ...(http ? { services: [{ kind: 'http' as const, port: 80 }] } : {}),
});

export function officeLab(): Pick<ScenarioDef, 'nat' | 'nodes' | 'links'> {
  return {
    // `natlab run --ruleset FILE` replaces this node's ruleset with a candidate.
    nat: { node: 'gw' },
    nodes: {
      internet: {
        kind: 'host',
        interfaces: { eth0: { addresses: [`${INTERNET_IP}/24`] } },
        routes: [{ to: 'default', via: '198.51.100.1' }],
        services: [{ kind: 'http', port: 80 }],
      },
      isp: {
        kind: 'router',
        interfaces: {
          eth0: { addresses: ['198.51.100.1/24'] },
          eth1: { addresses: ['192.0.2.1/24'] },
        },
      },
      gw: {
        kind: 'router',
        interfaces: {
          wan0: { addresses: [`${PUBLIC_IP}/24`] },
          lan0: { addresses: [`${GATEWAY_LAN_IP}/24`] },
        },
        routes: [{ to: 'default', via: '192.0.2.1' }],
        rulesets: [{ format: 'nft', text: OFFICE_RULES }],
      },
      lan: { kind: 'switch' },
      web: lanHost('10.20.0.20', true),
      nas: lanHost('10.20.0.30', true),
      desk: lanHost(DESK_IP, false),
    },
    links: [
      { a: 'internet:eth0', b: 'isp:eth0' },
      { a: 'isp:eth1', b: 'gw:wan0' },
      { a: 'gw:lan0', b: 'lan' },
      { a: 'web:eth0', b: 'lan' },
      { a: 'nas:eth0', b: 'lan' },
      { a: 'desk:eth0', b: 'lan' },
    ],
  };
}

/**
 * A port forward seen from both sides: the internet host and the desk both fetch
 * http://192.0.2.2:PORT/. The server must see the internet host as itself and the desk as the
 * gateway (hairpin masquerade), and the desk must only ever talk to the public address.
 */
export function forwardChecks(port: number): Pick<ScenarioDef, 'probes' | 'flows'> {
  const url = `http://${PUBLIC_IP}:${port}/`;
  const probes: HttpProbeDef[] = [
    { name: 'internet', from: 'internet', url, expect: 'connects', serverSees: INTERNET_IP },
    { name: 'desk', from: 'desk', url, expect: 'connects', serverSees: GATEWAY_LAN_IP },
  ];
  const flows: FlowExpectationDef[] = [
    {
      name: `desk gets its SYN-ACK from ${PUBLIC_IP}:${port}`,
      at: 'desk:eth0',
      during: 'desk',
      match: { proto: 'tcp', src: PUBLIC_IP, sport: port, tcp: { syn: true, ack: true } },
      expect: 'seen',
    },
    {
      name: 'desk never receives TCP from a LAN address',
      at: 'desk:eth0',
      during: 'desk',
      match: { proto: 'tcp', direction: 'in', src: LAN },
      expect: 'absent',
    },
  ];
  return { probes, flows };
}
