// `npm run decode FILE.pcap`: every frame on one line, as natlab decodes it (the decoder the runs
// use), then the flows: packets and bytes per address pair and protocol, busiest first.

import { describePacket } from '../analyse/describe-packet.ts';
import type { Packet } from '../decode/packet.ts';
import { forEachPacket } from '../decode/read-pcap.ts';

export interface DecodeIo {
  stdout: { write(chunk: string): boolean };
}

/** Lines are written in blocks: one write per frame would cost more than decoding it. */
const BLOCK = 4096;

export async function decodeCommand(file: string, io: DecodeIo): Promise<void> {
  const flows = new FlowTable();
  let block: string[] = [];
  const frames = await forEachPacket(file, file, (packet) => {
    flows.add(packet);
    block.push(
      `${String(packet.index).padStart(7)} ${clock(packet.timeUs)} ${describePacket(packet)}, length ${packet.length}`,
    );
    if (block.length === BLOCK) {
      io.stdout.write(`${block.join('\n')}\n`);
      block = [];
    }
  });
  if (block.length > 0) io.stdout.write(`${block.join('\n')}\n`);
  const table = flows.sorted();
  io.stdout.write(`\n${frames} frames, ${table.length} flows\n`);
  for (const f of table.slice(0, 20))
    io.stdout.write(
      `${String(f.packets).padStart(9)} pkts ${String(f.bytes).padStart(11)} B  ${f.key}\n`,
    );
  if (table.length > 20) io.stdout.write(`   ... ${table.length - 20} more flows\n`);
}

/** "HH:MM:SS.uuuuuu" (UTC), as tcpdump prints it with -n. */
function clock(timeUs: number): string {
  const seconds = Math.floor(timeUs / 1_000_000) % 86_400;
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  const us = String(timeUs % 1_000_000).padStart(6, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.${us}`;
}

interface Flow {
  key: string;
  packets: number;
  bytes: number;
}

/** Packets and bytes per conversation: both directions count as one flow. */
export class FlowTable {
  private readonly flows = new Map<string, Flow>();

  add(p: Packet): void {
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
    const flow = this.flows.get(key);
    if (flow) {
      flow.packets++;
      flow.bytes += p.length;
    } else this.flows.set(key, { key, packets: 1, bytes: p.length });
  }

  /** Busiest first. */
  sorted(): Flow[] {
    return [...this.flows.values()].sort(
      (x, y) => y.packets - x.packets || (x.key < y.key ? -1 : 1),
    );
  }
}
