// The scenario model as a user writes it (stage 1). Plain objects, in the manner of gont's options.

/** "node:iface" for a named interface, or just "node" for a switch end (the port is named after the peer). */
export type EndpointRef = string;

export interface InterfaceDef {
  /** Addresses in CIDR form, e.g. "192.168.1.10/24". */
  addresses?: string[];
  /** Makes this interface a Linux bridge inside the node, enslaving these interfaces. */
  bridge?: string[];
}

export interface RouteDef {
  /** "default" or a CIDR. */
  to: string;
  via: string;
}

export type RulesetFormat = 'iptables' | 'nft';

export interface RulesetDef {
  format: RulesetFormat;
  /** iptables-restore input or an nft script, applied as given. */
  text: string;
}

export interface HttpServiceDef {
  kind: 'http';
  port: number;
}

export type ServiceDef = HttpServiceDef;

export interface NodeDef {
  /** host: an end system. router: forwards IPv4. switch: a bridge in its own namespace. */
  kind: 'host' | 'router' | 'switch';
  interfaces?: Record<string, InterfaceDef>;
  routes?: RouteDef[];
  /** Applied inside the node's namespace, e.g. { 'net.ipv4.ip_forward': '1' }. */
  sysctls?: Record<string, string>;
  rulesets?: RulesetDef[];
  services?: ServiceDef[];
}

export interface LinkDef {
  a: EndpointRef;
  b: EndpointRef;
}

export interface ProbeDef {
  name: string;
  from: string;
  /** http://ADDRESS[:PORT]/PATH */
  url: string;
  expect: 'connects' | 'fails';
  /** The client address the HTTP service must report having seen. */
  serverSees?: string;
  /** Connect timeout. Defaults: 500 ms for probes expected to fail, 5 s otherwise. */
  connectTimeoutMs?: number;
}

/** Ternary match on TCP flags: a flag set to true must be set, false must be clear, absent is don't-care. */
export interface TcpFlagsMatch {
  syn?: boolean;
  ack?: boolean;
  fin?: boolean;
  rst?: boolean;
  psh?: boolean;
}

/**
 * A packet pattern in the manner of PTF: every field given must match, every field left out is don't-care.
 * Addresses accept a single address or a CIDR, and "!" in front negates.
 */
export interface PacketMatch {
  proto?: 'tcp' | 'udp' | 'icmp' | 'arp';
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  tcp?: TcpFlagsMatch;
  /** Relative to the capturing node: "in" arrives at it, "out" leaves it. */
  direction?: 'in' | 'out';
}

export interface FlowExpectationDef {
  name?: string;
  /** Capture point, "node:iface". */
  at: string;
  /** Only packets captured while this probe ran. Without it, the whole run. */
  during?: string;
  match: PacketMatch;
  expect: 'seen' | 'absent';
}

export interface ScenarioDef {
  description: string;
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
