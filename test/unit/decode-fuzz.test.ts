// Fuzzing the decoder: random, mutated and truncated bytes never make it throw anything but its own
// error (NatlabError INVALID_PCAP), and decodeFrame never throws at all. Seeded, so a failure repeats.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { NatlabError } from '../../src/errors.ts';
import { readPcap } from '../support/read-pcap.ts';

/** mulberry32: small, seeded, good enough to spread bytes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REAL = 'test/fixtures/captures/hairpin-broken/client-eth0.pcap';
const meta = { point: 'fuzz:eth0', index: 1, timeUs: 0, length: 0 };

let dir: string;
let real: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'natlab-fuzz-'));
  real = await readFile(REAL);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs readPcap on the bytes: resolves to 'ok', or the error code; anything else is a failure. */
async function outcome(bytes: Uint8Array, name: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  try {
    await readPcap(file, 'fuzz:eth0');
    return 'ok';
  } catch (error) {
    if (error instanceof NatlabError) return error.code;
    throw error;
  } finally {
    await rm(file, { force: true });
  }
}

describe('decoder fuzzing', () => {
  it('decodeFrame survives 20000 random frames, with ethertypes and protocols it knows', () => {
    const next = random(1);
    const byte = () => Math.floor(next() * 256);
    const ethertypes = [0x0800, 0x86dd, 0x0806, 0x8100];
    const protocols = [1, 6, 17, 58, 0, 43, 44, 60, 51];
    for (let i = 0; i < 20_000; i++) {
      const data = Uint8Array.from({ length: Math.floor(next() * 120) }, byte);
      // Steer half of them into the deeper decoders.
      if (data.length >= 24 && i % 2 === 0) {
        const type = ethertypes[i % ethertypes.length] ?? 0x0800;
        data[12] = type >> 8;
        data[13] = type & 0xff;
        data[14] = type === 0x0800 ? 0x45 : 0x60;
        data[23] = protocols[i % protocols.length] ?? 6;
        data[20] = protocols[(i >> 3) % protocols.length] ?? 6;
      }
      expect(() => decodeFrame(data, { ...meta, length: data.length })).not.toThrow();
    }
  });

  it('decodeFrame survives every truncation of every real frame', async () => {
    const packets = await readPcap(REAL, 'fuzz:eth0');
    expect(packets.length).toBeGreaterThan(5);
    // Frames start after the 24-byte header; each record has a 16-byte header.
    let offset = 24;
    let cuts = 0;
    while (offset + 16 <= real.length) {
      const length = real.readUInt32LE(offset + 8);
      const frame = real.subarray(offset + 16, offset + 16 + length);
      for (let cut = 0; cut <= frame.length; cut++) {
        const packet = decodeFrame(frame.subarray(0, cut), { ...meta, length: frame.length });
        expect(packet.point).toBe('fuzz:eth0');
        cuts++;
      }
      offset += 16 + length;
    }
    expect(cuts).toBeGreaterThan(300);
  });

  it('readPcap throws only its own error on every truncation of a real pcap', async () => {
    const seen = new Set<string>();
    for (let cut = 0; cut < real.length; cut += 7)
      seen.add(await outcome(real.subarray(0, cut), `cut-${cut}`));
    expect([...seen].every((o) => o === 'ok' || o === 'INVALID_PCAP')).toBe(true);
    expect(seen.has('INVALID_PCAP')).toBe(true);
  });

  it('readPcap throws only its own error on 300 randomly mutated and random files', async () => {
    const next = random(2);
    const outcomes = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const bytes =
        i % 3 === 0
          ? Uint8Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256))
          : Uint8Array.from(real);
      if (i % 3 !== 0) {
        for (let m = 0; m < 1 + (i % 8); m++) {
          bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
        }
      }
      outcomes.add(await outcome(bytes, `mutant-${i}`));
    }
    expect([...outcomes].every((o) => o === 'ok' || o === 'INVALID_PCAP')).toBe(true);
  });
});
