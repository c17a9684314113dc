// pcapng, what current tcpdump and Wireshark write by default: read like a classic pcap, in either
// byte order and any timestamp resolution, and refused by name where it is damaged.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NatlabError } from '../../src/errors.ts';
import { ethernet, ipv4, TCP, tcp } from '../support/frames.ts';
import { readPcap } from '../support/read-pcap.ts';

const dir = await mkdtemp(join(tmpdir(), 'natlab-pcapng-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const syn = ethernet(
  '02:00:00:00:00:01',
  '02:00:00:00:00:02',
  0x0800,
  ipv4('10.0.0.1', '10.0.0.2', 6, tcp({ sport: 1000, dport: 80, flags: TCP.SYN })),
);

/** One pcapng block: type, body, lengths at both ends, in the given byte order. */
function block(type: number, body: Buffer, littleEndian: boolean): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  const length = padded.length + 12;
  const head = Buffer.alloc(8);
  const tail = Buffer.alloc(4);
  const w = (b: Buffer, v: number, o: number) =>
    littleEndian ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o);
  w(head, type, 0);
  w(head, length, 4);
  w(tail, length, 0);
  return Buffer.concat([head, padded, tail]);
}

function pcapng({
  littleEndian = true,
  tsresol,
  linkType = 1,
  packets,
}: {
  littleEndian?: boolean;
  tsresol?: number;
  linkType?: number;
  packets: { frame: Uint8Array; units: bigint }[];
}): Buffer {
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    littleEndian ? b.writeUInt32LE(v) : b.writeUInt32BE(v);
    return b;
  };
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    littleEndian ? b.writeUInt16LE(v) : b.writeUInt16BE(v);
    return b;
  };
  // The section header's type reads the same in both orders; its byte-order magic tells which.
  const shb = block(
    0x0a0d0d0a,
    Buffer.concat([u32(0x1a2b3c4d), u16(1), u16(0), Buffer.alloc(8, 0xff)]),
    littleEndian,
  );
  const options =
    tsresol === undefined
      ? Buffer.alloc(0)
      : Buffer.concat([u16(9), u16(1), Buffer.from([tsresol, 0, 0, 0]), u16(0), u16(0)]);
  const idb = block(1, Buffer.concat([u16(linkType), u16(0), u32(262144), options]), littleEndian);
  const epbs = packets.map(({ frame, units }) =>
    block(
      6,
      Buffer.concat([
        u32(0),
        u32(Number(units >> 32n)),
        u32(Number(units & 0xffffffffn)),
        u32(frame.length),
        u32(frame.length),
        Buffer.from(frame),
      ]),
      littleEndian,
    ),
  );
  return Buffer.concat([shb, idb, ...epbs]);
}

async function decode(name: string, bytes: Buffer) {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return readPcap(file, 'a:eth0');
}

describe('pcapng', () => {
  it('decodes a real capture exactly as its classic pcap twin (converted by editcap)', async () => {
    const classic = await readPcap('test/fixtures/captures/hairpin-broken/router-wan0.pcap', 'p');
    const ng = await readPcap('test/fixtures/pcapng/router-wan0.pcapng', 'p');
    expect(classic.length).toBeGreaterThan(0);
    expect(ng).toEqual(classic);
  });

  it('reads big-endian sections with nanosecond timestamps', async () => {
    const units = 1_700_000_000_123_456_789n;
    const packets = await decode(
      'be-ns.pcapng',
      pcapng({ littleEndian: false, tsresol: 9, packets: [{ frame: syn, units }] }),
    );
    expect(packets).toHaveLength(1);
    expect(packets[0]).toMatchObject({
      index: 1,
      timeUs: 1_700_000_000_123_456,
      tcp: { sport: 1000, dport: 80 },
    });
  });

  it('reads a power-of-two resolution and numbers frames across sections', async () => {
    const one = pcapng({ tsresol: 0x80 | 10, packets: [{ frame: syn, units: 1024n * 5n }] });
    const two = pcapng({ packets: [{ frame: syn, units: 7n }] });
    const packets = await decode('two-sections.pcapng', Buffer.concat([one, two]));
    expect(packets.map((p) => [p.index, p.timeUs])).toEqual([
      [1, 5_000_000],
      [2, 7],
    ]);
  });

  it.each([
    [
      'a link type other than Ethernet',
      pcapng({ linkType: 113, packets: [{ frame: syn, units: 1n }] }),
      /link type 113 is not Ethernet/,
    ],
    [
      'a block cut short',
      pcapng({ packets: [{ frame: syn, units: 1n }] }).subarray(0, 90),
      /beyond the file|no whole block/,
    ],
  ])('refuses %s with INVALID_PCAP', async (_, bytes, message) => {
    const error = await decode('bad.pcapng', bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatlabError);
    expect(error).toMatchObject({ code: 'INVALID_PCAP', message: expect.stringMatching(message) });
  });

  it('throws only its own error on every truncation of a real pcapng', async () => {
    const whole = await readFile('test/fixtures/pcapng/router-wan0.pcapng');
    const outcomes = new Set<string>();
    for (let cut = 1; cut < whole.length; cut += 7) {
      const result = await decode('cut.pcapng', whole.subarray(0, cut)).then(
        () => 'ok',
        (e: unknown) => (e instanceof NatlabError ? e.code : String(e)),
      );
      outcomes.add(result);
    }
    expect([...outcomes].filter((o) => o !== 'ok' && o !== 'INVALID_PCAP')).toEqual([]);
    expect(outcomes.has('INVALID_PCAP')).toBe(true);
  });
});
