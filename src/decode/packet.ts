// The decoded packet (stage 8 output): one captured frame at one capture point.

import type { Direction } from '../scenario/flow-match.ts';

export interface TcpFlags {
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  psh: boolean;
  urg: boolean;
  ece: boolean;
  cwr: boolean;
}

export interface Packet {
  /** Capture point, "node:iface". */
  point: string;
  /** 1-based frame number in its pcap, as tcpdump and Wireshark count. */
  index: number;
  /** Microseconds since the epoch. */
  timeUs: number;
  /** Length on the wire; the pcap may hold less (snap length). */
  length: number;
  /** As the capture recorded it (pcapng epb_flags); none: the capture does not say. */
  direction?: Direction;
  /** FNV-1a of the captured bytes: the same frame seen twice at one point hashes the same. */
  hash: number;
  srcMac: string;
  dstMac: string;
  ethertype: number;
  vlan?: number;
  arp?: {
    op: number;
    senderMac: string;
    senderIp: string;
    targetMac: string;
    targetIp: string;
  };
  ip?: {
    version: 4 | 6;
    src: string;
    dst: string;
    protocol: number;
    ttl: number;
    /** IPv4 identification (the IPv6 fragment id is not kept). */
    id?: number;
    /** IPv6 only: the flow label its sender set, which routers and NAT leave alone (RFC 6437). */
    flowLabel?: number;
    length: number;
  };
  tcp?: {
    sport: number;
    dport: number;
    seq: number;
    ack: number;
    flags: TcpFlags;
    window: number;
    payloadLength: number;
  };
  udp?: { sport: number; dport: number; payloadLength: number };
  icmp?: { v6: boolean; type: number; code: number };
  /**
   * FNV-1a of the transport payload (for ICMP, what follows its first 8 bytes). NAT rewrites headers
   * and checksums but never this, so it helps follow one packet across hops.
   */
  payloadHash?: number;
  /** The layer at which the captured bytes ran out, when they did. */
  truncated?: 'ethernet' | 'arp' | 'ipv4' | 'ipv6' | 'tcp' | 'udp' | 'icmp';
  /** A header whose own fields are impossible (an IPv4 header length under 20): read no further. */
  malformed?: 'ipv4';
}
