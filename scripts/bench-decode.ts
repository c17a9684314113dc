// Decode benchmark input: a ~500k-frame pcap made of the real frames natlab recorded in its test
// fixtures (TCP, UDP, DNS, ICMP, ICMPv6, ARP, IGMP, IPv6), repeated with advancing timestamps.

import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const FIXTURES = 'test/fixtures/captures';

async function realFrames(): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  for (const fixture of (await readdir(FIXTURES)).sort()) {
    for (const file of (await readdir(join(FIXTURES, fixture)))
      .filter((f) => f.endsWith('.pcap'))
      .sort()) {
      const bytes = await readFile(join(FIXTURES, fixture, file));
      for (let o = 24; o + 16 <= bytes.length; ) {
        const length = bytes.readUInt32LE(o + 8);
        frames.push(bytes.subarray(o + 16, o + 16 + length));
        o += 16 + length;
      }
    }
  }
  return frames;
}

export async function writeBigPcap(path: string, count: number): Promise<number> {
  const frames = await realFrames();
  const file = await open(path, 'w');
  try {
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(262144, 16);
    header.writeUInt32LE(1, 20);
    const chunks: Buffer[] = [header];
    let size = 24;
    for (let i = 0; i < count; i++) {
      const frame = frames[i % frames.length] as Buffer;
      const record = Buffer.alloc(16);
      record.writeUInt32LE(1_700_000_000 + Math.floor(i / 10_000), 0);
      record.writeUInt32LE((i % 10_000) * 100, 4);
      record.writeUInt32LE(frame.length, 8);
      record.writeUInt32LE(frame.length, 12);
      chunks.push(record, frame);
      size += 16 + frame.length;
      if (chunks.length > 20_000) {
        await file.write(Buffer.concat(chunks.splice(0)));
      }
    }
    await file.write(Buffer.concat(chunks));
    return size;
  } finally {
    await file.close();
  }
}
