// Builds Ethernet frames and pcap files for decoder fixtures, byte by byte, independent of the decoder.

import ipaddr from 'ipaddr.js';

export interface TcpSpec {
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  flags: number;
  payload?: number;
}

export const TCP = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

function macBytes(mac: string): number[] {
  return mac.split(':').map((h) => Number.parseInt(h, 16));
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

export function ethernet(
  src: string,
  dst: string,
  ethertype: number,
  payload: number[],
): Uint8Array {
  return Uint8Array.from([...macBytes(dst), ...macBytes(src), ...u16(ethertype), ...payload]);
}

export function ipv4(
  src: string,
  dst: string,
  protocol: number,
  payload: number[],
  id = 0x1234,
): number[] {
  const total = 20 + payload.length;
  return [
    0x45,
    0,
    ...u16(total),
    ...u16(id),
    0x40,
    0,
    64,
    protocol,
    0,
    0,
    ...ipaddr.parse(src).toByteArray(),
    ...ipaddr.parse(dst).toByteArray(),
    ...payload,
  ];
}

export function ipv6(
  src: string,
  dst: string,
  next: number,
  payload: number[],
  flowLabel = 0,
): number[] {
  return [
    0x60,
    (flowLabel >> 16) & 0x0f,
    ...u16(flowLabel & 0xffff),
    ...u16(payload.length),
    next,
    64,
    ...ipaddr.parse(src).toByteArray(),
    ...ipaddr.parse(dst).toByteArray(),
    ...payload,
  ];
}

export function tcp(spec: TcpSpec): number[] {
  return [
    ...u16(spec.sport),
    ...u16(spec.dport),
    ...u32(spec.seq ?? 1000),
    ...u32(spec.ack ?? 0),
    0x50,
    spec.flags,
    ...u16(64240),
    0,
    0,
    0,
    0,
    ...new Array(spec.payload ?? 0).fill(0x61),
  ];
}

export function udp(sport: number, dport: number, payload: number): number[] {
  return [...u16(sport), ...u16(dport), ...u16(8 + payload), 0, 0, ...new Array(payload).fill(0)];
}

export function arp(
  op: number,
  senderMac: string,
  senderIp: string,
  targetMac: string,
  targetIp: string,
): number[] {
  return [
    0,
    1,
    0x08,
    0,
    6,
    4,
    ...u16(op),
    ...macBytes(senderMac),
    ...ipaddr.parse(senderIp).toByteArray(),
    ...macBytes(targetMac),
    ...ipaddr.parse(targetIp).toByteArray(),
  ];
}

export interface PcapRecord {
  frame: Uint8Array;
  timeUs?: number;
  /** Bytes kept, as a snap length would cut them. */
  captured?: number;
}

/** Classic little-endian pcap, microsecond timestamps, link type Ethernet. */
export function pcapFile(
  records: PcapRecord[],
  { snapLength = 262144, linkType = 1 } = {},
): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(snapLength, 16);
  header.writeUInt32LE(linkType, 20);
  const parts = [header];
  records.forEach((record, i) => {
    const kept = record.frame.subarray(0, record.captured ?? record.frame.length);
    const time = record.timeUs ?? 1_700_000_000_000_000 + i * 1000;
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(time / 1_000_000), 0);
    rec.writeUInt32LE(time % 1_000_000, 4);
    rec.writeUInt32LE(kept.length, 8);
    rec.writeUInt32LE(record.frame.length, 12);
    parts.push(rec, Buffer.from(kept));
  });
  return Buffer.concat(parts);
}
