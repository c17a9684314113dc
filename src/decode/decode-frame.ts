// Ethernet, 802.1Q, ARP, IPv4, IPv6 (with extension headers), TCP, UDP, ICMP and ICMPv6, from raw bytes.
// Never throws on short input: a frame cut by the snap length is decoded as far as it goes.

import type { Packet, TcpFlags } from './packet.ts';

const ETH_IPV4 = 0x0800;
const ETH_ARP = 0x0806;
const ETH_VLAN = 0x8100;
const ETH_IPV6 = 0x86dd;
const IP_ICMP = 1;
const IP_TCP = 6;
const IP_UDP = 17;
const IP_ICMPV6 = 58;
const IPV6_EXTENSIONS = new Set([0, 43, 60, 51]);
const IPV6_FRAGMENT = 44;

export interface FrameMeta {
  point: string;
  index: number;
  timeUs: number;
  length: number;
}

export function decodeFrame(data: Uint8Array, meta: FrameMeta): Packet {
  // Fields one by one, not spread: a spread object is slow to extend, and this runs per frame.
  const packet: Packet = {
    point: meta.point,
    index: meta.index,
    timeUs: meta.timeUs,
    length: meta.length,
    hash: fnv1a(data, 0, data.length),
    srcMac: '',
    dstMac: '',
    ethertype: 0,
  };
  if (data.length < 14) {
    packet.truncated = 'ethernet';
    return packet;
  }
  packet.dstMac = mac(data, 0);
  packet.srcMac = mac(data, 6);
  let ethertype = u16(data, 12);
  let offset = 14;
  if (ethertype === ETH_VLAN && data.length >= 18) {
    packet.vlan = u16(data, 14) & 0x0fff;
    ethertype = u16(data, 16);
    offset = 18;
  }
  packet.ethertype = ethertype;
  if (ethertype === ETH_ARP) decodeArp(data, offset, packet);
  else if (ethertype === ETH_IPV4) decodeIpv4(data, offset, packet);
  else if (ethertype === ETH_IPV6) decodeIpv6(data, offset, packet);
  return packet;
}

function decodeArp(data: Uint8Array, o: number, packet: Packet): void {
  // Ethernet/IPv4 ARP only: hardware length 6, protocol length 4.
  if (data.length < o + 28) {
    packet.truncated = 'arp';
    return;
  }
  packet.arp = {
    op: u16(data, o + 6),
    senderMac: mac(data, o + 8),
    senderIp: ipv4(data, o + 14),
    targetMac: mac(data, o + 18),
    targetIp: ipv4(data, o + 24),
  };
}

function decodeIpv4(data: Uint8Array, o: number, packet: Packet): void {
  if (data.length < o + 20) {
    packet.truncated = 'ipv4';
    return;
  }
  const headerLength = ((data[o] ?? 0) & 0x0f) * 4;
  const totalLength = u16(data, o + 2);
  const fragmentOffset = u16(data, o + 6) & 0x1fff;
  const protocol = data[o + 9] ?? 0;
  packet.ip = {
    version: 4,
    src: ipv4(data, o + 12),
    dst: ipv4(data, o + 16),
    protocol,
    ttl: data[o + 8] ?? 0,
    id: u16(data, o + 4),
    length: totalLength,
  };
  // Only the first fragment carries the transport header.
  if (fragmentOffset !== 0 || headerLength < 20) return;
  decodeTransport(data, o + headerLength, totalLength - headerLength, protocol, packet);
}

function decodeIpv6(data: Uint8Array, o: number, packet: Packet): void {
  if (data.length < o + 40) {
    packet.truncated = 'ipv6';
    return;
  }
  const payloadLength = u16(data, o + 4);
  let next = data[o + 6] ?? 0;
  packet.ip = {
    version: 6,
    src: ipv6(data, o + 8),
    dst: ipv6(data, o + 24),
    protocol: next,
    ttl: data[o + 7] ?? 0,
    length: payloadLength + 40,
  };
  let offset = o + 40;
  let remaining = payloadLength;
  // Walk the extension headers to the transport header.
  for (let hops = 0; hops < 8; hops++) {
    if (IPV6_EXTENSIONS.has(next)) {
      if (data.length < offset + 2) return;
      const length =
        next === 51 ? ((data[offset + 1] ?? 0) + 2) * 4 : ((data[offset + 1] ?? 0) + 1) * 8;
      next = data[offset] ?? 0;
      offset += length;
      remaining -= length;
    } else if (next === IPV6_FRAGMENT) {
      if (data.length < offset + 8) return;
      if ((u16(data, offset + 2) & 0xfff8) !== 0) return;
      next = data[offset] ?? 0;
      offset += 8;
      remaining -= 8;
    } else {
      break;
    }
  }
  packet.ip.protocol = next;
  decodeTransport(data, offset, remaining, next, packet);
}

function decodeTransport(
  data: Uint8Array,
  o: number,
  length: number,
  protocol: number,
  packet: Packet,
): void {
  if (protocol === IP_TCP) {
    if (data.length < o + 20) {
      packet.truncated = 'tcp';
      return;
    }
    const headerLength = ((data[o + 12] ?? 0) >> 4) * 4;
    const bits = data[o + 13] ?? 0;
    packet.tcp = {
      sport: u16(data, o),
      dport: u16(data, o + 2),
      seq: u32(data, o + 4),
      ack: u32(data, o + 8),
      flags: tcpFlags(bits),
      window: u16(data, o + 14),
      payloadLength: Math.max(0, length - headerLength),
    };
    packet.payloadHash = fnv1a(data, o + headerLength, o + length);
  } else if (protocol === IP_UDP) {
    if (data.length < o + 8) {
      packet.truncated = 'udp';
      return;
    }
    packet.udp = {
      sport: u16(data, o),
      dport: u16(data, o + 2),
      payloadLength: Math.max(0, u16(data, o + 4) - 8),
    };
    packet.payloadHash = fnv1a(data, o + 8, o + length);
  } else if (protocol === IP_ICMP || protocol === IP_ICMPV6) {
    if (data.length < o + 4) {
      packet.truncated = 'icmp';
      return;
    }
    packet.icmp = { v6: protocol === IP_ICMPV6, type: data[o] ?? 0, code: data[o + 1] ?? 0 };
    packet.payloadHash = fnv1a(data, o + 8, o + length);
  }
}

function tcpFlags(bits: number): TcpFlags {
  return {
    fin: (bits & 0x01) !== 0,
    syn: (bits & 0x02) !== 0,
    rst: (bits & 0x04) !== 0,
    psh: (bits & 0x08) !== 0,
    ack: (bits & 0x10) !== 0,
    urg: (bits & 0x20) !== 0,
    ece: (bits & 0x40) !== 0,
    cwr: (bits & 0x80) !== 0,
  };
}

// Big-endian reads by hand: a DataView per frame costs more than the rest of the decode.
function u16(data: Uint8Array, o: number): number {
  return ((data[o] ?? 0) << 8) | (data[o + 1] ?? 0);
}

function u32(data: Uint8Array, o: number): number {
  return (((data[o] ?? 0) << 24) | ((data[o + 1] ?? 0) << 16) | u16(data, o + 2)) >>> 0;
}

function fnv1a(data: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  const stop = Math.min(end, data.length);
  for (let i = Math.max(0, start); i < stop; i++) {
    hash ^= data[i] ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexByte(data: Uint8Array, o: number): string {
  return HEX[data[o] ?? 0] ?? '00';
}

// No closures in per-frame code: tsx wraps every closure it creates in a naming helper.
function mac(data: Uint8Array, o: number): string {
  return `${hexByte(data, o)}:${hexByte(data, o + 1)}:${hexByte(data, o + 2)}:${hexByte(data, o + 3)}:${hexByte(data, o + 4)}:${hexByte(data, o + 5)}`;
}

function ipv4(data: Uint8Array, o: number): string {
  return `${data[o]}.${data[o + 1]}.${data[o + 2]}.${data[o + 3]}`;
}

/** RFC 5952 text: lower-case hex, no leading zeros, the longest run of two or more zero groups as "::". */
function ipv6(data: Uint8Array, o: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((data[o + i] ?? 0) << 8) | (data[o + i + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return hexGroups(groups, 0, 8);
  return `${hexGroups(groups, 0, bestStart)}::${hexGroups(groups, bestStart + bestLength, 8)}`;
}

function hexGroups(groups: readonly number[], from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++)
    text += i === from ? groups[i]?.toString(16) : `:${groups[i]?.toString(16)}`;
  return text;
}
