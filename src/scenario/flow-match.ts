// Flow expectations as a scenario states them: PTF-style packet matches, where every field given
// must match and every field left out is don't-care, and counts of packets and bytes.

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
  /** ICMP or ICMPv6 (given, the packet must be one). */
  icmp?: IcmpMatch;
  /** "aa:bb:cc:dd:ee:ff", either case. */
  srcMac?: string;
  dstMac?: string;
  /** The payload's ethertype, after an 802.1Q tag (0x0800 IPv4, 0x0806 ARP, 0x86dd IPv6). */
  ethertype?: number;
  /** The 802.1Q VLAN id: given, an untagged frame does not match. */
  vlan?: number;
  /** The IPv4 total length, or for IPv6 40 + the payload length. */
  ipLength?: number;
  /** Relative to the capturing node: "in" arrives at it, "out" leaves it. */
  direction?: Direction;
}

/** Which way a frame crossed a capture point: into the capturing node's interface, or out of it. */
export type Direction = 'in' | 'out';

/** ICMP type names, each standing for its ICMP number or ICMPv6 number as the packet is (null: none). */
export const ICMP_TYPES = {
  'echo-reply': [0, 129],
  'destination-unreachable': [3, 1],
  redirect: [5, 137],
  'echo-request': [8, 128],
  'time-exceeded': [11, 3],
  'packet-too-big': [null, 2],
  'neighbor-solicitation': [null, 135],
  'neighbor-advertisement': [null, 136],
} as const;

export type IcmpTypeName = keyof typeof ICMP_TYPES;

export interface IcmpMatch {
  /** A number (0-255), or a name from ICMP_TYPES that means ICMP's or ICMPv6's number. */
  type?: number | IcmpTypeName;
  code?: number;
}

/** A range of whole numbers: `exactly`, or `atLeast` and/or `atMost`. */
export interface CountExpectation {
  exactly?: number;
  atLeast?: number;
  atMost?: number;
}

/**
 * Passes when every judgement given holds: `expect` ('seen': one matching packet or more; 'absent':
 * none), `count` (the matching packets) and `bytes` (their IP lengths summed, as a rule counter
 * counts; a frame without IP counts its wire length). At least one is given; 'absent' beside a
 * count, or 'seen' beside a count that allows only 0, is refused.
 */
export interface FlowExpectationDef {
  name?: string;
  /** Capture point, "node:iface". */
  at: string;
  /** Only packets captured while this probe ran. Without it, the whole run. */
  during?: string;
  /** Only packets of this step's probes (see `steps`). */
  step?: string;
  match: PacketMatch;
  expect?: 'seen' | 'absent';
  count?: CountExpectation;
  bytes?: CountExpectation;
}
