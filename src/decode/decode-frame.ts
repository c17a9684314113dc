// A decoded Packet from raw bytes: FrameFields parses, this gives the fields names and text
// (addresses, MACs) and the hashes the analysis follows frames and payloads by.

import { FrameFields, L4 } from './frame-fields.ts';
import type { Packet, TcpFlags } from './packet.ts';

export interface FrameMeta {
  point: string;
  index: number;
  timeUs: number;
  length: number;
  direction?: Packet['direction'];
}

/** One parser for every frame: decodeFrame is synchronous, so it is never shared mid-parse. */
const fields = new FrameFields();

export function decodeFrame(data: Uint8Array, meta: FrameMeta): Packet {
  const f = fields.parse(data);
  // Fields one by one, not spread: a spread object is slow to extend, and this runs per frame.
  const packet: Packet = {
    point: meta.point,
    index: meta.index,
    timeUs: meta.timeUs,
    length: meta.length,
    hash: fnv1a(data, 0, data.length),
    srcMac: '',
    dstMac: '',
    ethertype: f.ethertype,
  };
  if (meta.direction) packet.direction = meta.direction;
  if (f.truncated) packet.truncated = f.truncated;
  if (f.malformed) packet.malformed = f.malformed;
  if (f.truncated === 'ethernet') return packet;
  packet.dstMac = mac(data, 0);
  packet.srcMac = mac(data, 6);
  if (f.vlan >= 0) packet.vlan = f.vlan;
  if (f.arpOp !== 0) {
    const o = f.arpOffset;
    packet.arp = {
      op: f.arpOp,
      senderMac: mac(data, o + 8),
      senderIp: ipv4(data, o + 14),
      targetMac: mac(data, o + 18),
      targetIp: ipv4(data, o + 24),
    };
  }
  if (f.ipVersion === 0) return packet;
  const address = f.ipVersion === 4 ? ipv4 : ipv6;
  packet.ip = {
    version: f.ipVersion,
    src: address(data, f.srcOffset),
    dst: address(data, f.dstOffset),
    protocol: f.ipProtocol,
    ttl: f.ipTtl,
    length: f.ipLength,
  };
  if (f.ipId >= 0) packet.ip.id = f.ipId;
  if (f.ipFlowLabel >= 0) packet.ip.flowLabel = f.ipFlowLabel;
  if (f.l4 === L4.TCP) {
    packet.tcp = {
      sport: f.sport,
      dport: f.dport,
      seq: f.tcpSeq,
      ack: f.tcpAck,
      flags: tcpFlags(f.tcpFlags),
      window: f.tcpWindow,
      payloadLength: f.payloadLength,
    };
  } else if (f.l4 === L4.UDP) {
    packet.udp = { sport: f.sport, dport: f.dport, payloadLength: f.payloadLength };
  } else if (f.l4 === L4.ICMP) {
    packet.icmp = { v6: f.icmpV6, type: f.icmpType, code: f.icmpCode };
  }
  if (f.l4 !== 0) packet.payloadHash = fnv1a(data, f.payloadOffset, f.payloadEnd);
  return packet;
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
export function mac(data: Uint8Array, o: number): string {
  return `${hexByte(data, o)}:${hexByte(data, o + 1)}:${hexByte(data, o + 2)}:${hexByte(data, o + 3)}:${hexByte(data, o + 4)}:${hexByte(data, o + 5)}`;
}

export function ipv4(data: Uint8Array, o: number): string {
  return `${data[o]}.${data[o + 1]}.${data[o + 2]}.${data[o + 3]}`;
}

/** RFC 5952 text: lower-case hex, no leading zeros, the longest run of two or more zero groups as "::". */
export function ipv6(data: Uint8Array, o: number): string {
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
