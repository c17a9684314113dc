// The catalog topology shared by the hairpin family. Addresses are fixed: docs and users refer to them.
//
//   remote 198.51.100.10 ── isp (198.51.100.1 | 203.0.113.254) ── wan0 203.0.113.1  router
//                                                                   lan0 192.168.1.1 ──┐
//                                                      lan switch: server 192.168.1.2 (HTTP :80)
//                                                                  client 192.168.1.10
//
// With dmz: true the server moves to its own subnet behind router dmz0 (192.168.2.1):
//   router dmz0 192.168.2.1 ── server 192.168.2.2

import {
  type HttpProbeDef,
  type NodeDef,
  portForwardLab,
  type RulesetDef,
  type ScenarioDef,
} from 'natlab';

export const PUBLIC_IP = '203.0.113.1';
export const REMOTE_IP = '198.51.100.10';
export const CLIENT_IP = '192.168.1.10';
export const ROUTER_LAN_IP = '192.168.1.1';
export const LAN_SERVER_IP = '192.168.1.2';
export const DMZ_SERVER_IP = '192.168.2.2';
export const PUBLIC_URL = `http://${PUBLIC_IP}/`;

export interface HairpinLabOptions {
  router: RulesetDef[];
  dmz?: boolean;
}

function catalogLab(router: RulesetDef[]) {
  return portForwardLab({
    publicIp: PUBLIC_IP,
    lanCidr: '192.168.1.0/24',
    server: LAN_SERVER_IP,
    forwards: [{ port: 80 }],
    rulesets: router,
  });
}

/** The router as candidates' NAT node, with portForwardLab's RouterOS and OpenWrt names. */
export const hairpinNat = catalogLab([]).nat;

export function hairpinLab({
  router,
  dmz = false,
}: HairpinLabOptions): Pick<ScenarioDef, 'nodes' | 'links'> {
  // The catalog is portForwardLab with its own addresses; the DMZ variant moves the server.
  const { nodes, links } = catalogLab(router);
  if (!dmz) return { nodes, links };
  const { router: gateway, server } = nodes;
  if (!gateway || !server) throw new Error('portForwardLab gave no router or server');
  return {
    nodes: {
      ...nodes,
      router: {
        ...gateway,
        interfaces: { ...gateway.interfaces, dmz0: { addresses: ['192.168.2.1/24'] } },
      },
      server: {
        ...server,
        interfaces: { eth0: { addresses: [`${DMZ_SERVER_IP}/24`] } },
        routes: [{ to: 'default', via: '192.168.2.1' }],
      },
    },
    links: [...links.filter((l) => l.a !== 'server:eth0'), { a: 'router:dmz0', b: 'server:eth0' }],
  };
}

/** The remote client on the internet: the port forward works for it in every variant. */
export function remoteProbe(serverSees = REMOTE_IP): HttpProbeDef {
  return { name: 'remote', from: 'remote', url: PUBLIC_URL, expect: 'connects', serverSees };
}

/** The LAN client using the public address: the probe hairpin NAT is about. */
export function lanClientProbe(outcome: Pick<HttpProbeDef, 'expect' | 'serverSees'>): HttpProbeDef {
  return { name: 'lan-client', from: 'client', url: PUBLIC_URL, ...outcome };
}

/** The client only ever talks to the public address: no reply reaches it from a private one. */
export const clientSeesOnlyPublicPeer = [
  {
    name: 'client:eth0 gets its SYN-ACK from 203.0.113.1:80',
    at: 'client:eth0',
    during: 'lan-client',
    match: { proto: 'tcp', src: PUBLIC_IP, sport: 80, tcp: { syn: true, ack: true } },
    expect: 'seen',
  },
  {
    name: 'client:eth0 never receives TCP from a private address',
    at: 'client:eth0',
    during: 'lan-client',
    match: { proto: 'tcp', direction: 'in', src: '192.168.0.0/16' },
    expect: 'absent',
  },
] satisfies ScenarioDef['flows'];

/** The port forward of the MikroTik wiki page, in iptables-restore form: DNAT plus masquerade out wan0. */
export function portForwardRules(extra: string[] = []): RulesetDef {
  return natTable([
    `-A PREROUTING -d ${PUBLIC_IP}/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination ${LAN_SERVER_IP}`,
    '-A POSTROUTING -o wan0 -j MASQUERADE',
    ...extra,
  ]);
}

/** These rules as the whole iptables-restore nat table, every chain's policy ACCEPT. */
export function natTable(rules: string[]): RulesetDef {
  return {
    format: 'iptables',
    text: [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':INPUT ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ':POSTROUTING ACCEPT [0:0]',
      ...rules,
      'COMMIT',
      '',
    ].join('\n'),
  };
}

type Lab = Pick<ScenarioDef, 'nodes' | 'links'>;

/** Adds to the catalog's nodes: interfaces and their addresses merge, routes append, the rest is set. */
export function withNodes(lab: Lab, additions: Record<string, Partial<NodeDef>>): Lab {
  const nodes = { ...lab.nodes };
  for (const [name, add] of Object.entries(additions)) {
    const node = nodes[name];
    if (!node) throw new Error(`withNodes: the catalog has no node ${name}`);
    const interfaces = { ...node.interfaces };
    for (const [ifname, iface] of Object.entries(add.interfaces ?? {})) {
      const addresses = [...(interfaces[ifname]?.addresses ?? []), ...(iface.addresses ?? [])];
      interfaces[ifname] = { ...interfaces[ifname], ...iface, addresses };
    }
    nodes[name] = {
      ...node,
      ...add,
      interfaces,
      routes: [...(node.routes ?? []), ...(add.routes ?? [])],
    };
  }
  return { ...lab, nodes };
}

/** The name the alternatives publish the server under. */
export const SERVER_NAME = 'www.example.test';
export const SERVER_URL = `http://${SERVER_NAME}/`;

/** The alternatives' point: the LAN client's connection never touches the router. */
export const lanTcpBypassesRouter = {
  name: 'no TCP of the LAN client passes through the router',
  at: 'router:lan0',
  during: 'lan-client',
  match: { proto: 'tcp' },
  expect: 'absent',
} satisfies NonNullable<ScenarioDef['flows']>[number];
