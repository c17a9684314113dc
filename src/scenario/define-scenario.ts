// The scenario model as a user writes it (stage 1). Plain objects, in the manner of gont's options.

import type { FlowExpectationDef } from './flow-match.ts';
import type { KernelExpectationsDef } from './kernel-expectations.ts';
import type { StepsDef } from './steps.ts';

export * from './flow-match.ts';
export type * from './kernel-expectations.ts';
export type * from './steps.ts';

/** "node:iface" for a named interface, or just "node" for a switch end (the port is named after the peer). */
export type EndpointRef = string;

export interface InterfaceDef {
  /** Addresses in CIDR form, e.g. "192.168.1.10/24". */
  addresses?: string[];
  /** Makes this interface a Linux bridge inside the node, enslaving these interfaces. */
  bridge?: string[];
  /** On a bridge: the per-bridge br_netfilter switch (ip link ... type bridge nf_call_iptables). */
  nfCallIptables?: boolean;
  /** On a bridge port: reflect frames back out the port they came in on (bridge link ... hairpin on). */
  hairpin?: boolean;
  /**
   * The interface's MTU (ip link set dev X mtu N), 68..65535; at least 1280 on a node with IPv6.
   * Each veth end is set on its own: give both ends of a link the same MTU.
   */
  mtu?: number;
  /**
   * A device made inside the node on top of `parent` (one of its veths or bridges), named by its
   * key (eth0.5): an 802.1Q VLAN sub-interface with `id`, or a macvlan in `mode` (default bridge).
   */
  kind?: 'vlan' | 'macvlan';
  parent?: string;
  /** vlan only: the 802.1Q VLAN id, 1..4094, unique per parent. */
  id?: number;
  /** macvlan only. */
  mode?: 'bridge' | 'private' | 'passthru';
}

export interface RouteDef {
  /** "default" or a CIDR. */
  to: string;
  via: string;
}

export const RULESET_FORMATS = [
  'iptables',
  'iptables-commands',
  'ip6tables',
  'ip6tables-commands',
  'nft',
  'ebtables',
  'openwrt',
] as const;

export type RulesetFormat = (typeof RULESET_FORMATS)[number];

export interface RulesetDef {
  format: RulesetFormat;
  /**
   * iptables-restore or ip6tables-restore input, an nft script, or command lines, one per line:
   * "iptables -t nat -A ..." (iptables-commands), "ip6tables -t nat -A ..." (ip6tables-commands)
   * or "ebtables -t broute -A ..." (ebtables); or an OpenWrt
   * /etc/config/firewall (openwrt), whose NAT is applied as the nft firewall4 would generate.
   */
  text: string;
  /** openwrt only: OpenWrt network names (lan, wan) → the node's interfaces that carry them. */
  networks?: Record<string, string>;
  /**
   * openwrt only: also translate the forward filter (zones' forward policies, forwardings, port
   * forwards accepted by `ct status dnat accept`), as firewall4 does. Default: NAT only.
   */
  filter?: boolean;
}

export interface HttpServiceDef {
  kind: 'http';
  port: number;
}

/** dnsmasq answering the given names (A and AAAA records by address family), nothing else. */
export interface DnsServiceDef {
  kind: 'dns';
  records: Record<string, string | string[]>;
}

/** Answers every datagram on the port with the peer address and port it saw, as JSON. */
export interface UdpServiceDef {
  kind: 'udp';
  port: number;
}

/** Accepts connections on the port and writes the peer address and port it saw, one JSON line. */
export interface TcpServiceDef {
  kind: 'tcp';
  port: number;
}

export type ServiceDef = HttpServiceDef | DnsServiceDef | UdpServiceDef | TcpServiceDef;

export interface NodeDef {
  /** host: an end system. router: forwards IPv4, and IPv6 with `ipv6: true`. switch: a bridge in its own namespace. */
  kind: 'host' | 'router' | 'switch';
  interfaces?: Record<string, InterfaceDef>;
  routes?: RouteDef[];
  /**
   * Permanent ARP entries, address → "node:iface" whose MAC to use: caches already warm, as on a
   * network that was running before the change under test.
   */
  neighbors?: Record<string, string>;
  /**
   * Keep IPv6 on (it is off by default, so router solicitations stay out of the captures), with
   * duplicate address detection off so addresses are usable at once. Without it, an IPv6 address,
   * route, neighbour or probe target on the node is refused.
   */
  ipv6?: boolean;
  /** The node's own /etc/hosts: name → address(es). */
  hosts?: Record<string, string | string[]>;
  /** The node's own resolver (its /etc/resolv.conf). */
  nameserver?: string;
  /** Applied inside the node's namespace, e.g. { 'net.ipv4.ip_forward': '1' }. */
  sysctls?: Record<string, string>;
  rulesets?: RulesetDef[];
  services?: ServiceDef[];
}

export interface LinkDef {
  a: EndpointRef;
  b: EndpointRef;
}

interface ProbeCommon {
  name: string;
  from: string;
  /** "either": the outcome is recorded and shown but not checked, for traffic whose fate is a race. */
  expect: 'connects' | 'fails' | 'either';
  /** Connect (or reply) timeout. Defaults: 500 ms for probes expected to fail, 5 s otherwise. */
  connectTimeoutMs?: number;
}

/** curl to an HTTP URL. */
export interface HttpProbeDef extends ProbeCommon {
  /** http://HOST[:PORT]/PATH; a name is resolved by the node's own hosts file or resolver. */
  url: string;
  /** The client address the HTTP service must report having seen. */
  serverSees?: string;
}

/**
 * ICMP echo requests; with `broadcast`, to a broadcast address (ping -b). It connects when at
 * least one echo reply comes back; the result reports replies received of requests sent.
 */
export interface PingProbeDef extends ProbeCommon {
  ping: string;
  broadcast?: boolean;
  /** Payload bytes (ping -s), 0..65507; the default 56 makes an 84-byte IPv4 packet, a 104-byte IPv6 one. */
  size?: number;
  /** Set don't-fragment and never fragment locally (ping -M do): path-MTU discovery's probe. */
  dontFragment?: boolean;
  /** Echo requests sent (ping -c), 1..100. Default 1. */
  count?: number;
  /** Between requests (ping -i), 200..10000 ms. Default 1000. */
  intervalMs?: number;
}

/** One datagram to `to`:`port`; it succeeds when a reply comes back within the timeout. */
export interface UdpProbeDef extends ProbeCommon {
  kind: 'udp';
  /** An address, or a name resolved by the node's own hosts file or resolver. */
  to: string;
  port: number;
  /**
   * Send from this client port (default: one the kernel picks). The same port in two probes is the
   * same conntrack entry, while it lives (about 30 s for UDP).
   */
  sourcePort?: number;
  /** The client address the UDP service must report having seen. */
  serverSees?: string;
}

/** A TCP connect to `to`:`port` (no HTTP): connected, refused or timed out. */
export interface TcpProbeDef extends ProbeCommon {
  kind: 'tcp';
  /** An address, or a name resolved by the node's own hosts file or resolver. */
  to: string;
  port: number;
  /** The client address the TCP service must report having seen. */
  serverSees?: string;
}

export type ProbeDef = HttpProbeDef | PingProbeDef | UdpProbeDef | TcpProbeDef;

/** Kernel and userland features a scenario can require; unmet needs skip it (exit 4). */
export const CAPABILITIES = [
  'br-netfilter',
  'ebtables-broute',
  'nft-bridge-broute',
  'iptables',
  'nft',
  'conntrack',
  'dnsmasq',
  'mininet',
  'vlan',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

/** Findings the analysis can make from captures (see src/analyse/diagnose-*.ts). */
export const DIAGNOSIS_RULES = [
  'asymmetric-reply',
  'swallowed-by-node',
  'never-reached-server',
  'server-refused',
  'dropped-by-rule',
  'frame-reflected',
  'mac-flap',
  'storm',
] as const;

export type DiagnosisRule = (typeof DIAGNOSIS_RULES)[number];

/** The node whose ruleset `--ruleset` candidates replace, and how RouterOS names map onto it. */
export interface NatNodeDef {
  node: string;
  /** RouterOS interface names (ether1, WAN, bridge...) → the node's interfaces. */
  ifaceMap?: Record<string, string>;
  /** RouterOS interface lists → the node's interfaces. */
  interfaceLists?: Record<string, string[]>;
}

export interface ScenarioDef extends KernelExpectationsDef, StepsDef {
  description: string;
  nat?: NatNodeDef;
  /** Checked in a scratch namespace before anything is built. */
  needs?: Capability[];
  /** Findings that must (true) or must not (false) come out of the analysis. */
  diagnosis?: Partial<Record<DiagnosisRule, boolean>>;
  /** Abort the run when any interface of a bridging node passes this rate. Default 20000 packets/s. */
  stormGuard?: { maxPacketsPerSecond: number };
  nodes: Record<string, NodeDef>;
  links: LinkDef[];
  probes?: ProbeDef[];
  flows?: FlowExpectationDef[];
  /** Capture points ("node:iface" or "node"). Default: every veth end of every node. */
  captures?: string[];
}

/** Identity function that exists for type inference in scenario files. */
export function defineScenario(def: ScenarioDef): ScenarioDef {
  return def;
}
