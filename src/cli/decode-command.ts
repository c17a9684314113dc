// `npm run decode FILE.pcap`: every frame on one line, as natlab decodes it (the decoder the runs
// use), then the flows: packets and bytes per address pair and protocol, busiest first.

import { describePacket } from '../analyse/describe-packet.ts';
import type { Packet } from '../decode/packet.ts';
import { readPcap } from '../decode/read-pcap.ts';

export interface DecodeIo {
  stdout: { write(chunk: string): boolean };
}

/** Lines are written in blocks: one write per frame would cost more than decoding it. */
const BLOCK = 4096;

export async function decodeCommand(file: string, io: DecodeIo): Promise<void> {
  const packets = await readPcap(file, file);
  let block: string[] = [];
  for (const packet of packets) {
    block.push(
      `${String(packet.index).padStart(7)} ${clock(packet.timeUs)} ${describePacket(packet)}, length ${packet.length}`,
    );
    if (block.length === BLOCK) {
      io.stdout.write(`${block.join('\n')}\n`);
      block = [];
    }
  }
  if (block.length > 0) io.stdout.write(`${block.join('\n')}\n`);
  const flows = flowTable(packets);
  io.stdout.write(`\n${packets.length} frames, ${flows.length} flows\n`);
  for (const f of flows.slice(0, 20))
    io.stdout.write(
      `${String(f.packets).padStart(9)} pkts ${String(f.bytes).padStart(11)} B  ${f.key}\n`,
    );
  if (flows.length > 20) io.stdout.write(`   ... ${flows.length - 20} more flows\n`);
}

function clock(timeUs: number): string {
  const d = new Date(Math.floor(timeUs / 1000));
  const us = String(timeUs % 1_000_000).padStart(6, '0');
  return `${d.toISOString().slice(11, 19)}.${us}`;
}

interface Flow {
  key: string;
  packets: number;
  bytes: number;
}

/** Both directions of a conversation count as one flow. */
export function flowTable(packets: readonly Packet[]): Flow[] {
  const flows = new Map<string, Flow>();
  for (const p of packets) {
    const l4 = p.tcp ?? p.udp;
    const proto = p.tcp
      ? 'tcp'
      : p.udp
        ? 'udp'
        : p.icmp
          ? 'icmp'
          : p.arp
            ? 'arp'
            : p.ip
              ? `ip${p.ip.protocol}`
              : 'l2';
    const a = p.ip ? `${p.ip.src}${l4 ? `:${l4.sport}` : ''}` : (p.arp?.senderIp ?? p.srcMac);
    const b = p.ip ? `${p.ip.dst}${l4 ? `:${l4.dport}` : ''}` : (p.arp?.targetIp ?? p.dstMac);
    const key = `${proto} ${a < b ? `${a} ↔ ${b}` : `${b} ↔ ${a}`}`;
    const flow = flows.get(key);
    if (flow) {
      flow.packets++;
      flow.bytes += p.length;
    } else flows.set(key, { key, packets: 1, bytes: p.length });
  }
  return [...flows.values()].sort((x, y) => y.packets - x.packets || (x.key < y.key ? -1 : 1));
}
