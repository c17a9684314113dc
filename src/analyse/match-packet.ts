// PTF-style matching: every field the pattern gives must match; the rest is don't-care.

import type { Packet } from '../decode/packet.ts';
import { addressMatches, parseAddressPattern } from '../net/addresses.ts';
import { ICMP_TYPES, type IcmpMatch, type PacketMatch } from '../scenario/define-scenario.ts';
import type { Direction } from './packet-direction.ts';

export type PacketPredicate = (packet: Packet, direction: Direction) => boolean;

const PROTOCOLS = { tcp: 6, udp: 17 } as const;

export function compileMatch(match: PacketMatch): PacketPredicate {
  const src = match.src === undefined ? undefined : parseAddressPattern(match.src);
  const dst = match.dst === undefined ? undefined : parseAddressPattern(match.dst);
  // Decoded MACs are lower case.
  const srcMac = match.srcMac?.toLowerCase();
  const dstMac = match.dstMac?.toLowerCase();
  return (packet, direction) => {
    if (match.direction && match.direction !== direction) return false;
    if (match.proto && !protoMatches(packet, match.proto)) return false;
    const srcAddress = packet.ip?.src ?? packet.arp?.senderIp;
    const dstAddress = packet.ip?.dst ?? packet.arp?.targetIp;
    if (src && !addressMatches(src, srcAddress)) return false;
    if (dst && !addressMatches(dst, dstAddress)) return false;
    const l4 = packet.tcp ?? packet.udp;
    if (match.sport !== undefined && l4?.sport !== match.sport) return false;
    if (match.dport !== undefined && l4?.dport !== match.dport) return false;
    if (match.srcMac && packet.srcMac !== srcMac) return false;
    if (match.dstMac && packet.dstMac !== dstMac) return false;
    if (match.ethertype !== undefined && packet.ethertype !== match.ethertype) return false;
    if (match.vlan !== undefined && packet.vlan !== match.vlan) return false;
    if (match.ipLength !== undefined && packet.ip?.length !== match.ipLength) return false;
    if (match.icmp && !icmpMatches(packet, match.icmp)) return false;
    if (match.tcp) {
      const flags = packet.tcp?.flags;
      if (!flags) return false;
      for (const [flag, wanted] of Object.entries(match.tcp)) {
        if (wanted !== undefined && flags[flag as keyof typeof flags] !== wanted) return false;
      }
    }
    return true;
  };
}

function protoMatches(packet: Packet, proto: NonNullable<PacketMatch['proto']>): boolean {
  if (proto === 'arp') return packet.arp !== undefined;
  if (proto === 'icmp') return packet.icmp !== undefined;
  return packet.ip?.protocol === PROTOCOLS[proto];
}

function icmpMatches(packet: Packet, match: IcmpMatch): boolean {
  const icmp = packet.icmp;
  if (!icmp) return false;
  if (match.code !== undefined && icmp.code !== match.code) return false;
  if (match.type === undefined) return true;
  const type =
    typeof match.type === 'number' ? match.type : ICMP_TYPES[match.type][icmp.v6 ? 1 : 0];
  return icmp.type === type;
}
