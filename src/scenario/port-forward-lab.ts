// portForwardLab: the catalog's hairpin lab with the user's own addresses, so their port-forward
// ruleset is judged on the addresses it was written for. It gives the topology, the NAT node for
// `--ruleset`, and per forward a remote probe, a LAN-client probe (hairpin NAT) and the flows that
// show a hairpin reply came back through the router.
//
//   remote ── isp ── wan0 publicIp  router  lan0 (first address of lanCidr) ── lan switch ── server
//                                                                                         └─ client

import ipaddr from 'ipaddr.js';
import { NatlabError } from '../errors.ts';
import type {
  FlowExpectationDef,
  NodeDef,
  ProbeDef,
  RulesetDef,
  ScenarioDef,
} from './define-scenario.ts';

export interface PortForward {
  /** Only TCP: natlab's probes are HTTP requests. */
  proto?: 'tcp';
  /** The public port. */
  port: number;
  /** The server's port; the public one when left out. */
  toPort?: number;
}

export interface PortForwardLabOptions {
  /** The router's public address, "198.51.100.7" (a /24) or "198.51.100.7/29". */
  publicIp: string;
  /** The LAN, "10.0.0.0/24": the router takes its first address, the client the tenth. */
  lanCidr: string;
  /** The server's LAN address, inside lanCidr. */
  server: string;
  forwards: PortForward[];
  /** The router's rules; none for a lab that judges candidates (`--ruleset FILE`). */
  rulesets?: RulesetDef[];
  /** The router's interface names, wan0 and lan0 unless a config names its own (eth0). */
  routerIfaces?: { wan: string; lan: string };
}

export type PortForwardLab = Required<
  Pick<ScenarioDef, 'nat' | 'nodes' | 'links' | 'probes' | 'flows'>
>;

/** Where the remote client lives: the first documentation network clear of the user's. */
const REMOTE_NETWORKS = ['198.51.100.0/24', '192.0.2.0/24', '203.0.113.0/24'];

export function portForwardLab(options: PortForwardLabOptions): PortForwardLab {
  const { publicIp, wanPrefix, lan, lanPrefix, server } = parseAddressing(options);
  const wan = ipaddr.IPv4.networkAddressFromCIDR(`${publicIp}/${wanPrefix}`);
  const wanLast = ipaddr.IPv4.broadcastAddressFromCIDR(`${publicIp}/${wanPrefix}`);
  const ispWan = pickFree([offset(wanLast, -1), offset(wan, 1)], [publicIp]);
  const remoteNet = REMOTE_NETWORKS.find((net) => {
    const [base = '', bits = '24'] = net.split('/');
    const range: [ipaddr.IPv4, number] = [ipaddr.IPv4.parse(base), Number(bits)];
    return !overlaps(range, [wan, wanPrefix]) && !overlaps(range, [lan, lanPrefix]);
  });
  if (!remoteNet)
    throw bad('the public and LAN networks leave no documentation network for the remote client');
  const remoteBase = ipaddr.IPv4.parse(remoteNet.split('/')[0] ?? '');
  const ispRemote = offset(remoteBase, 1);
  const remote = offset(remoteBase, 10);
  const routerLan = offset(lan, 1);
  if (server === routerLan) throw bad(`server ${server} is the router's LAN address; pick another`);
  const client = pickFree([offset(lan, 10), offset(lan, 11)], [server]);
  const ports = forwardsOf(options.forwards);
  const { wan: wanIf, lan: lanIf } = options.routerIfaces ?? { wan: 'wan0', lan: 'lan0' };
  const serverNode: NodeDef = {
    kind: 'host',
    interfaces: { eth0: { addresses: [`${server}/${lanPrefix}`] } },
    routes: [{ to: 'default', via: routerLan }],
    services: [...new Set(ports.map((f) => f.toPort))].map((port) => ({ kind: 'http', port })),
  };
  return {
    nat: {
      node: 'router',
      ifaceMap: {
        // RouterOS interfaces, then OpenWrt networks as a stock /etc/config/firewall names them.
        WAN: wanIf,
        LAN: lanIf,
        ether1: wanIf,
        ether2: lanIf,
        bridge: lanIf,
        wan: wanIf,
        wan6: wanIf,
        lan: lanIf,
      },
      interfaceLists: { WAN: [wanIf], LAN: [lanIf] },
    },
    nodes: {
      remote: {
        kind: 'host',
        interfaces: { eth0: { addresses: [`${remote}/24`] } },
        routes: [{ to: 'default', via: ispRemote }],
      },
      isp: {
        kind: 'router',
        interfaces: {
          eth0: { addresses: [`${ispRemote}/24`] },
          eth1: { addresses: [`${ispWan}/${wanPrefix}`] },
        },
      },
      router: {
        kind: 'router',
        interfaces: {
          [wanIf]: { addresses: [`${publicIp}/${wanPrefix}`] },
          [lanIf]: { addresses: [`${routerLan}/${lanPrefix}`] },
        },
        routes: [{ to: 'default', via: ispWan }],
        rulesets: options.rulesets ?? [],
      },
      lan: { kind: 'switch' },
      server: serverNode,
      client: {
        kind: 'host',
        interfaces: { eth0: { addresses: [`${client}/${lanPrefix}`] } },
        routes: [{ to: 'default', via: routerLan }],
      },
    },
    links: [
      { a: 'remote:eth0', b: 'isp:eth0' },
      { a: 'isp:eth1', b: `router:${wanIf}` },
      { a: `router:${lanIf}`, b: 'lan' },
      { a: 'client:eth0', b: 'lan' },
      { a: 'server:eth0', b: 'lan' },
    ],
    probes: ports.flatMap(({ port }): ProbeDef[] => {
      const url = `http://${publicIp}${port === 80 ? '' : `:${port}`}/`;
      return [
        { name: `remote-${port}`, from: 'remote', url, expect: 'connects', serverSees: remote },
        // A handshake in the lab takes milliseconds; 2 s keeps a broken hairpin from costing 5.
        {
          name: `lan-client-${port}`,
          from: 'client',
          url,
          expect: 'connects',
          connectTimeoutMs: 2000,
        },
      ];
    }),
    flows: ports.flatMap(({ port, toPort }): FlowExpectationDef[] => [
      {
        name: `client:eth0 gets its SYN-ACK from ${publicIp}:${port}`,
        at: 'client:eth0',
        during: `lan-client-${port}`,
        match: { proto: 'tcp', src: publicIp, sport: port, tcp: { syn: true, ack: true } },
        expect: 'seen',
      },
      {
        name: `client:eth0 never receives TCP from the LAN (${options.lanCidr}) for port ${port}`,
        at: 'client:eth0',
        during: `lan-client-${port}`,
        match: { proto: 'tcp', direction: 'in', src: `${lan}/${lanPrefix}` },
        expect: 'absent',
      },
      {
        name: `the server is reached on port ${toPort} by the LAN client`,
        at: 'server:eth0',
        during: `lan-client-${port}`,
        match: { dst: server, dport: toPort, tcp: { syn: true, ack: false } },
        expect: 'seen',
      },
    ]),
  };
}

function parseAddressing(options: PortForwardLabOptions) {
  const [publicIp = '', wanBits = '24', ...extra] = options.publicIp.split('/');
  if (extra.length > 0 || !ipaddr.IPv4.isValidFourPartDecimal(publicIp)) {
    throw bad(
      `publicIp must be an IPv4 address, optionally with a prefix, not "${options.publicIp}"`,
    );
  }
  const wanPrefix = prefixOf(wanBits, 'publicIp', 8, 30);
  const [lanText = '', lanBits = '', ...rest] = options.lanCidr.split('/');
  if (rest.length > 0 || !ipaddr.IPv4.isValidFourPartDecimal(lanText)) {
    throw bad(`lanCidr must be an IPv4 network such as 10.0.0.0/24, not "${options.lanCidr}"`);
  }
  const lanPrefix = prefixOf(lanBits, 'lanCidr', 8, 28);
  const lan = ipaddr.IPv4.networkAddressFromCIDR(`${lanText}/${lanPrefix}`);
  if (!ipaddr.IPv4.isValidFourPartDecimal(options.server)) {
    throw bad(`server must be an IPv4 address, not "${options.server}"`);
  }
  const server = ipaddr.IPv4.parse(options.server);
  if (!server.match(lan, lanPrefix)) {
    throw bad(`server ${options.server} is not inside lanCidr ${options.lanCidr}`);
  }
  if (ipaddr.IPv4.parse(publicIp).match(lan, lanPrefix)) {
    throw bad(`publicIp ${publicIp} lies inside lanCidr ${options.lanCidr}`);
  }
  return { publicIp, wanPrefix, lan, lanPrefix, server: server.toString() };
}

function prefixOf(bits: string, option: string, min: number, max: number): number {
  const prefix = Number(bits);
  if (!/^\d+$/.test(bits) || prefix < min || prefix > max) {
    throw bad(`${option} needs a prefix from /${min} to /${max}, not "/${bits}"`);
  }
  return prefix;
}

function forwardsOf(forwards: readonly PortForward[]): { port: number; toPort: number }[] {
  if (!Array.isArray(forwards) || forwards.length === 0)
    throw bad('forwards must name at least one port');
  const seen = new Set<number>();
  return forwards.map((f) => {
    if (f.proto !== undefined && f.proto !== 'tcp') {
      throw bad(
        `forward of port ${f.port}: proto must be tcp (natlab probes with HTTP), not "${f.proto}"`,
      );
    }
    for (const port of [f.port, f.toPort ?? f.port]) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw bad(`forward ports must be whole numbers from 1 to 65535, not ${String(port)}`);
      }
    }
    if (seen.has(f.port)) throw bad(`port ${f.port} is forwarded twice`);
    seen.add(f.port);
    return { port: f.port, toPort: f.toPort ?? f.port };
  });
}

function offset(base: ipaddr.IPv4, by: number): string {
  const value = base.toByteArray().reduce((n, byte) => n * 256 + byte, 0) + by;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function pickFree(choices: string[], taken: string[]): string {
  return choices.find((c) => !taken.includes(c)) ?? (choices.at(-1) as string);
}

function overlaps(a: [ipaddr.IPv4, number], b: [ipaddr.IPv4, number]): boolean {
  return a[0].match(b[0], b[1]) || b[0].match(a[0], a[1]);
}

function bad(message: string): NatlabError {
  return new NatlabError(`portForwardLab: ${message}`, { code: 'BAD_INPUT', stage: 'scenario' });
}
