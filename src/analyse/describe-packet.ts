// Short human text for a packet: "192.168.1.2:80 → 192.168.1.10:41234 SYN-ACK".

import type { Packet } from '../decode/packet.ts';

export function tcpLabel(packet: Packet): string {
  const tcp = packet.tcp;
  if (!tcp) return '';
  const f = tcp.flags;
  const names = [f.syn && 'SYN', f.fin && 'FIN', f.rst && 'RST', f.psh && 'PSH', f.ack && 'ACK'];
  const label = names.filter(Boolean).join('-') || 'none';
  return tcp.payloadLength > 0 ? `${label} +${tcp.payloadLength}B` : label;
}

/** "192.168.1.2:80", "[2001:db8::2]:80", or the bare address without a port. */
export function endpoint(address: string, port?: number): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return port === undefined ? host : `${host}:${port}`;
}

const ICMP_TYPES: Record<number, string> = {
  0: 'echo reply',
  3: 'unreachable',
  8: 'echo request',
  11: 'time exceeded',
};
const ICMP6_TYPES: Record<number, string> = {
  1: 'unreachable',
  128: 'echo request',
  129: 'echo reply',
  133: 'router solicitation',
  134: 'router advertisement',
  135: 'neighbor solicitation',
  136: 'neighbor advertisement',
  137: 'redirect',
  143: 'MLDv2 report',
};

const IP_PROTOCOLS: Record<number, string> = { 2: 'IGMP', 47: 'GRE', 50: 'ESP', 89: 'OSPF' };

export function packetKind(packet: Packet): string {
  if (packet.tcp) return tcpLabel(packet);
  if (packet.udp) return `UDP ${packet.udp.payloadLength}B`;
  if (packet.icmp) {
    const { v6, type, code } = packet.icmp;
    const name = (v6 ? ICMP6_TYPES : ICMP_TYPES)[type];
    return `ICMP${v6 ? 'v6' : ''} ${name ?? `${type}/${code}`}`;
  }
  if (packet.arp) return packet.arp.op === 1 ? 'ARP who-has' : 'ARP reply';
  if (packet.malformed) return `bad IPv4 header (length under 20 bytes)`;
  if (packet.ip) return IP_PROTOCOLS[packet.ip.protocol] ?? `IP proto ${packet.ip.protocol}`;
  if (packet.truncated === 'ethernet') return 'runt frame (under 14 bytes)';
  return `ethertype 0x${packet.ethertype.toString(16)}`;
}

export function packetAddresses(packet: Packet): string {
  if (packet.ip) {
    const l4 = packet.tcp ?? packet.udp;
    return `${endpoint(packet.ip.src, l4?.sport)} → ${endpoint(packet.ip.dst, l4?.dport)}`;
  }
  if (packet.arp) return `${packet.arp.senderIp} → ${packet.arp.targetIp}`;
  if (packet.truncated === 'ethernet') return '(no MAC header)';
  return `${packet.srcMac} → ${packet.dstMac}`;
}

export function describePacket(packet: Packet): string {
  return `${packetAddresses(packet)} ${packetKind(packet)}`;
}
