// One forward's lab: the catalog's hairpin lab on the config's own addresses and interface names,
// with one probe per vantage point (the internet, a LAN client, the server itself, a client on
// another internal subnet the config names), or the reason the forward cannot be tested there.

import ipaddr from 'ipaddr.js';
import type { CandidateFormat } from '../candidates/load-candidate.ts';
import { NatlabError } from '../errors.ts';
import type { NodeDef, ProbeDef, ScenarioDef, ServiceDef } from '../scenario/define-scenario.ts';
import { portForwardLab } from '../scenario/port-forward-lab.ts';
import type { InterfaceRoles, PortForward } from './forward.ts';

export const VANTAGES = [
  { id: 'internet', from: 'remote', title: 'internet' },
  { id: 'lan', from: 'client', title: 'LAN client (hairpin)' },
  { id: 'server', from: 'server', title: 'server itself' },
  { id: 'other', from: 'other', title: 'other subnet' },
] as const;

export type Vantage = (typeof VANTAGES)[number]['id'];

/** The lab's public address when the config matches an interface, not an address. */
const DEFAULT_PUBLIC_IP = '203.0.113.1';

export interface AuditLab {
  def: ScenarioDef;
  publicIp: string;
  /** True when the config names no public address and the lab chose one. */
  publicIpChosen: boolean;
  lanCidr: string;
  /** The config's own name for the LAN interface (the remedy's out-interface). */
  lanName: string;
  /** The router's LAN interface in the lab. */
  lanIface: string;
  /** Config interface names → the lab's, for the candidate's translation (RouterOS, OpenWrt). */
  ifaceMap: Record<string, string>;
  interfaceLists: Record<string, string[]>;
}

export interface AuditLabOptions {
  format: CandidateFormat;
  forward: PortForward;
  roles: InterfaceRoles;
  /** --iface-map: config name → wan0 or lan0. */
  ifaceMap: Record<string, string>;
  publicIp?: string;
}

const LINUX_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

/** The lab, or why the forward cannot be tested. */
export function auditLab({
  format,
  forward,
  roles,
  ifaceMap,
  publicIp: given,
}: AuditLabOptions): AuditLab | string {
  const mapped = (lab: string) => Object.keys(ifaceMap).find((name) => ifaceMap[name] === lab);
  const wanName = mapped('wan0') ?? roles.wan ?? forward.inIface ?? 'WAN';
  const lanName = mapped('lan0') ?? roles.lan ?? 'LAN';
  // iptables and nft name interfaces literally: the lab's router takes the config's names.
  const literal = format !== 'routeros' && format !== 'openwrt';
  const useName = (name: string, fallback: string) =>
    literal && LINUX_NAME.test(name) && name !== 'WAN' && name !== 'LAN' ? name : fallback;
  const wanIface = useName(wanName, 'wan0');
  const lanIface = useName(lanName, wanIface === 'lan0' ? 'lan1' : 'lan0');
  if (wanIface === lanIface) return `the config names ${wanIface} as both its WAN and its LAN`;
  const publicIp = given ?? forward.publicIp ?? DEFAULT_PUBLIC_IP;
  const lanCidr = internalNetwork(forward.toAddr, roles.lanCidrs);
  if (!lanCidr) {
    return `target ${forward.toAddr} is outside every internal subnet the config names (${roles.lanCidrs.join(', ')})`;
  }
  let lab: ReturnType<typeof portForwardLab>;
  try {
    lab = portForwardLab({
      publicIp,
      lanCidr,
      server: forward.toAddr,
      forwards: [{ port: forward.port, toPort: forward.toPort }],
      routerIfaces: { wan: wanIface, lan: lanIface },
    });
  } catch (error) {
    if (error instanceof NatlabError) return error.message.replace(/^portForwardLab: /, '');
    throw error;
  }
  const service: ServiceDef = {
    kind: forward.proto === 'udp' ? 'udp' : 'http',
    port: forward.toPort,
  };
  const server = lab.nodes.server;
  const nodes: Record<string, NodeDef> = { ...lab.nodes };
  if (server) nodes.server = { ...server, services: [service] };
  const other = otherSubnet(roles.lanCidrs, [lanCidr, `${publicIp}/24`]);
  if (other) {
    // A client on another internal subnet the config names, behind its own router port.
    const router = nodes.router;
    const base = ipaddr.IPv4.parse(other.split('/')[0] ?? '').toByteArray();
    const host = (n: number) => [...base.slice(0, 3), n].join('.');
    const bits = other.split('/')[1];
    nodes.router = {
      ...router,
      kind: 'router',
      interfaces: { ...router?.interfaces, lan9: { addresses: [`${host(1)}/${bits}`] } },
    };
    nodes.other = {
      kind: 'host',
      interfaces: { eth0: { addresses: [`${host(10)}/${bits}`] } },
      routes: [{ to: 'default', via: host(1) }],
    };
    lab.links.push({ a: 'other:eth0', b: 'router:lan9' });
  }
  const map = { ...lab.nat.ifaceMap, [wanName]: wanIface, [lanName]: lanIface, ...ifaceMap };
  const lists = { ...lab.nat.interfaceLists, [wanName]: [wanIface], [lanName]: [lanIface] };
  return {
    def: {
      description: `audit of the ${forward.proto} forward of port ${forward.port} to ${forward.toAddr}:${forward.toPort}`,
      nat: { node: 'router', ifaceMap: map, interfaceLists: lists },
      nodes,
      links: lab.links,
      probes: VANTAGES.filter((v) => other || v.id !== 'other').map((v) =>
        probe(v.id, v.from, forward, publicIp),
      ),
    },
    publicIp,
    publicIpChosen: !given && !forward.publicIp,
    lanCidr,
    lanName,
    lanIface,
    ifaceMap: map,
    interfaceLists: lists,
  };
}

function probe(name: string, from: string, forward: PortForward, publicIp: string): ProbeDef {
  // A handshake in the lab takes milliseconds; 2 s keeps a broken hairpin from costing 5.
  const common = { name, from, expect: 'connects' as const, connectTimeoutMs: 2000 };
  if (forward.proto === 'udp') return { ...common, kind: 'udp', to: publicIp, port: forward.port };
  return { ...common, url: `http://${publicIp}${forward.port === 80 ? '' : `:${forward.port}`}/` };
}

/** An internal /24 the config names besides the server's, clear of the lab's networks. */
function otherSubnet(cidrs: readonly string[], taken: readonly string[]): string | undefined {
  return cidrs.find((cidr) => {
    if (!/\/24$/.test(cidr) || !ipaddr.IPv4.isValidCIDR(cidr)) return false;
    const [base, bits] = ipaddr.IPv4.parseCIDR(cidr);
    return taken.every((t) => {
      const [tBase, tBits] = ipaddr.IPv4.parseCIDR(ipaddr.IPv4.isValidCIDR(t) ? t : '0.0.0.0/32');
      return !base.match(tBase, tBits) && !tBase.match(base, bits);
    });
  });
}

/** The config's internal subnet holding the target, else its /24; undefined: outside all named. */
function internalNetwork(target: string, cidrs: readonly string[]): string | undefined {
  const address = ipaddr.IPv4.parse(target);
  const parsed = cidrs.flatMap((cidr) => {
    try {
      const [base, bits] = ipaddr.IPv4.parseCIDR(cidr);
      return bits >= 8 && bits <= 28 ? [{ cidr: `${base}/${bits}`, base, bits }] : [];
    } catch {
      return [];
    }
  });
  if (parsed.length === 0) return `${ipaddr.IPv4.networkAddressFromCIDR(`${target}/24`)}/24`;
  const holding = parsed.find((c) => address.match(c.base, c.bits));
  return holding
    ? `${ipaddr.IPv4.networkAddressFromCIDR(holding.cidr)}/${holding.bits}`
    : undefined;
}
