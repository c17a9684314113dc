// Packets and bytes per conversation (both directions count as one flow), read straight from the
// parsed header fields: no Packet and no address text per frame, so it keeps up with big pcaps.

import { ipv4, ipv6, mac } from '../decode/decode-frame.ts';
import { type FrameFields, L4, u16, u32 } from '../decode/frame-fields.ts';

export interface Flow {
  /** "tcp 192.168.1.2:80 ↔ 198.51.100.10:34680". */
  key: string;
  packets: number;
  bytes: number;
}

interface Entry extends Flow {
  kind: number;
  low: number | string;
  high: number | string;
  ports: number;
}

/**
 * One Map lookup per frame, keyed by a number mixed from the protocol, both ends and both ports;
 * entries under one number are told apart by their fields, so a collision never merges flows.
 */
export class FlowTable {
  private readonly buckets = new Map<number, Entry[]>();
  private readonly all: Entry[] = [];

  add(f: FrameFields, length: number): void {
    const d = f.data;
    let a: number | string;
    let b: number | string;
    if (f.ipVersion === 4) {
      a = u32(d, f.srcOffset);
      b = u32(d, f.dstOffset);
    } else if (f.ipVersion === 6) {
      a = bytesId(d, f.srcOffset, 16);
      b = bytesId(d, f.dstOffset, 16);
    } else if (f.arpOp !== 0) {
      a = u32(d, f.arpOffset + 14);
      b = u32(d, f.arpOffset + 24);
    } else if (f.truncated === 'ethernet') {
      // A runt has no whole MAC header: its bytes past the end belong to the next record.
      a = 0;
      b = 0;
    } else {
      a = u32(d, f.start + 6) * 65536 + u16(d, f.start + 10);
      b = u32(d, f.start) * 65536 + u16(d, f.start + 4);
    }
    const withPorts = f.l4 === L4.TCP || f.l4 === L4.UDP;
    const pa = withPorts ? f.sport : 0;
    const pb = withPorts ? f.dport : 0;
    const forward = a < b || (a === b && pa <= pb);
    const kind = f.ethertype * 256 + f.ipProtocol;
    const low = forward ? a : b;
    const high = forward ? b : a;
    const ports = forward ? pa * 65536 + pb : pb * 65536 + pa;
    const key = mix(mix(mix(kind, idNumber(low)), idNumber(high)), ports);
    const bucket = this.buckets.get(key);
    // A loop, not find(): a closure per frame is an allocation per frame.
    for (const flow of bucket ?? []) {
      if (flow.kind === kind && flow.low === low && flow.high === high && flow.ports === ports) {
        flow.packets++;
        flow.bytes += length;
        return;
      }
    }
    const created = { key: flowText(f), packets: 1, bytes: length, kind, low, high, ports };
    if (bucket) bucket.push(created);
    else this.buckets.set(key, [created]);
    this.all.push(created);
  }

  /** Busiest first. */
  sorted(): Flow[] {
    return this.all
      .map(({ key, packets, bytes }) => ({ key, packets, bytes }))
      .sort((x, y) => y.packets - x.packets || (x.key < y.key ? -1 : 1));
  }
}

function idNumber(id: number | string): number {
  if (typeof id === 'number') return id;
  let h = 0;
  for (let i = 0; i < id.length; i++) h = mix(h, id.charCodeAt(i));
  return h;
}

/** A 32-bit mix of a running hash and a value below 2^53 (both halves of the value count). */
function mix(hash: number, value: number): number {
  const h = Math.imul(hash ^ value, 0x01000193);
  // Most values fit 32 bits (addresses, ports); MACs need their upper half mixed in too.
  if (value <= 0xffffffff) return h >>> 0;
  return Math.imul(h ^ Math.floor(value / 4294967296), 0x01000193) >>> 0;
}

function bytesId(d: Uint8Array, o: number, n: number): string {
  let id = '';
  for (let i = 0; i < n; i += 4) id += `${u32(d, o + i)}.`;
  return id;
}

function flowText(f: FrameFields): string {
  const d = f.data;
  const ports = f.l4 === L4.TCP || f.l4 === L4.UDP;
  const proto =
    f.l4 === L4.TCP
      ? 'tcp'
      : f.l4 === L4.UDP
        ? 'udp'
        : f.l4 === L4.ICMP
          ? 'icmp'
          : f.arpOp !== 0
            ? 'arp'
            : f.malformed
              ? 'ipv4-bad-header'
              : f.ipVersion !== 0
                ? `ipv${f.ipVersion}-proto-${f.ipProtocol}`
                : f.truncated === 'ethernet'
                  ? 'runt'
                  : 'l2';
  let a: string;
  let b: string;
  if (f.ipVersion !== 0) {
    const text = (o: number) =>
      f.ipVersion === 4 ? ipv4(d, o) : ports ? `[${ipv6(d, o)}]` : ipv6(d, o);
    a = `${text(f.srcOffset)}${ports ? `:${f.sport}` : ''}`;
    b = `${text(f.dstOffset)}${ports ? `:${f.dport}` : ''}`;
  } else if (f.arpOp !== 0) {
    a = ipv4(d, f.arpOffset + 14);
    b = ipv4(d, f.arpOffset + 24);
  } else if (f.truncated === 'ethernet') {
    return 'runt (frames under 14 bytes)';
  } else {
    a = mac(d, f.start + 6);
    b = mac(d, f.start);
  }
  return `${proto} ${a < b ? `${a} ↔ ${b}` : `${b} ↔ ${a}`}`;
}
