// ICMPv6's link upkeep, as ARP is IPv4's: MLD (130-132, 143) and router and neighbour discovery
// (133-136). It belongs to no probe's path, and the kernel repeats it byte for byte by design (MLD's
// unsolicited reports are repeated, RFC 3810's Robustness Variable), so it makes no journey and
// no reflected frame. A redirect (137) is a router's answer to a packet, and stays in.

import type { Packet } from '../decode/packet.ts';

const LINK_UPKEEP_ICMP6 = new Set([130, 131, 132, 133, 134, 135, 136, 143]);

export function isLinkUpkeep(packet: Packet): boolean {
  return packet.icmp?.v6 === true && LINK_UPKEEP_ICMP6.has(packet.icmp.type);
}
