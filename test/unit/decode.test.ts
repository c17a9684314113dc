// Frames decode into packets, and pcap files into frames, in either byte order and resolution.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { NatlabError } from '../../src/errors.ts';
import { arp, ethernet, ipv4, ipv6, pcapFile, TCP, tcp, udp } from '../support/frames.ts';
import { readPcap } from '../support/read-pcap.ts';

const A = '02:6e:6c:00:00:01';
const B = '02:6e:6c:00:00:02';
const meta = { point: 'client:eth0', index: 1, timeUs: 0, length: 0 };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'natlab-decode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writePcap(name: string, bytes: Buffer): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return file;
}

describe('decodeFrame', () => {
  it('reads a TCP SYN-ACK over IPv4 with ports, flags, seq and ack', () => {
    const frame = ethernet(
      A,
      B,
      0x0800,
      ipv4(
        '192.168.1.2',
        '192.168.1.10',
        6,
        tcp({ sport: 80, dport: 41234, seq: 7, ack: 1001, flags: TCP.SYN | TCP.ACK }),
      ),
    );
    const packet = decodeFrame(frame, meta);
    expect(packet.srcMac).toBe(A);
    expect(packet.dstMac).toBe(B);
    expect(packet.ip).toMatchObject({
      version: 4,
      src: '192.168.1.2',
      dst: '192.168.1.10',
      protocol: 6,
      id: 0x1234,
      ttl: 64,
    });
    expect(packet.tcp).toMatchObject({
      sport: 80,
      dport: 41234,
      seq: 7,
      ack: 1001,
      payloadLength: 0,
    });
    expect(packet.tcp?.flags).toMatchObject({ syn: true, ack: true, rst: false, fin: false });
  });

  it('counts TCP payload bytes from the IP total length', () => {
    const frame = ethernet(
      A,
      B,
      0x0800,
      ipv4(
        '10.0.0.1',
        '10.0.0.2',
        6,
        tcp({ sport: 1, dport: 2, flags: TCP.PSH | TCP.ACK, payload: 75 }),
      ),
    );
    expect(decodeFrame(frame, meta).tcp?.payloadLength).toBe(75);
  });

  it('reads UDP and ICMP', () => {
    const u = decodeFrame(
      ethernet(A, B, 0x0800, ipv4('10.0.0.1', '10.0.0.2', 17, udp(5353, 53, 12))),
      meta,
    );
    expect(u.udp).toEqual({ sport: 5353, dport: 53, payloadLength: 12 });
    const i = decodeFrame(
      ethernet(A, B, 0x0800, ipv4('10.0.0.1', '10.0.0.2', 1, [8, 0, 0, 0, 0, 1, 0, 1])),
      meta,
    );
    expect(i.icmp).toEqual({ v6: false, type: 8, code: 0 });
  });

  it('reads ARP requests', () => {
    const frame = ethernet(
      A,
      'ff:ff:ff:ff:ff:ff',
      0x0806,
      arp(1, A, '192.168.1.10', '00:00:00:00:00:00', '192.168.1.1'),
    );
    expect(decodeFrame(frame, meta).arp).toEqual({
      op: 1,
      senderMac: A,
      senderIp: '192.168.1.10',
      targetMac: '00:00:00:00:00:00',
      targetIp: '192.168.1.1',
    });
  });

  it('reads IPv6 and prints addresses in compressed form', () => {
    const frame = ethernet(
      A,
      B,
      0x86dd,
      ipv6(
        '2001:db8:0:0:0:0:0:10',
        '2001:0db8::2',
        6,
        tcp({ sport: 5000, dport: 80, flags: TCP.SYN }),
      ),
    );
    const packet = decodeFrame(frame, meta);
    expect(packet.ip).toMatchObject({
      version: 6,
      src: '2001:db8::10',
      dst: '2001:db8::2',
      protocol: 6,
    });
    expect(packet.tcp?.dport).toBe(80);
  });

  it('walks IPv6 extension headers to the transport header', () => {
    const hopByHop = [17, 0, 0, 0, 0, 0, 0, 0];
    const frame = ethernet(
      A,
      B,
      0x86dd,
      ipv6('2001:db8::1', '2001:db8::2', 0, [...hopByHop, ...udp(1000, 2000, 4)]),
    );
    const packet = decodeFrame(frame, meta);
    expect(packet.ip?.protocol).toBe(17);
    expect(packet.udp).toMatchObject({ sport: 1000, dport: 2000 });
  });

  it('looks through an 802.1Q tag', () => {
    const inner = ipv4('10.0.0.1', '10.0.0.2', 17, udp(1, 2, 0));
    const frame = ethernet(A, B, 0x8100, [0x00, 0x0a, 0x08, 0x00, ...inner]);
    const packet = decodeFrame(frame, meta);
    expect(packet.vlan).toBe(10);
    expect(packet.udp?.dport).toBe(2);
  });

  it('gives what flow matches read: MACs, the inner ethertype and VLAN id, IP length, ICMPv6', () => {
    // Priority 5 and DEI set: the VLAN id is the low 12 bits only.
    const inner = ipv4('10.0.0.1', '10.0.0.2', 1, [3, 4, 0, 0, 0, 0, 0x05, 0xdc]);
    const tagged = decodeFrame(ethernet(A, B, 0x8100, [0xb0, 0x0a, 0x08, 0x00, ...inner]), meta);
    expect(tagged).toMatchObject({ srcMac: A, dstMac: B, ethertype: 0x0800, vlan: 10 });
    expect(tagged.ip?.length).toBe(28);
    expect(tagged.icmp).toEqual({ v6: false, type: 3, code: 4 });
    const tooBig = ipv6('2001:db8::1', '2001:db8::2', 58, [2, 0, 0, 0, 0, 0, 0x05, 0x00]);
    const v6 = decodeFrame(ethernet(A, B, 0x86dd, tooBig), meta);
    expect(v6).toMatchObject({ ethertype: 0x86dd, ip: { length: 48 } });
    expect(v6.vlan).toBeUndefined();
    expect(v6.icmp).toEqual({ v6: true, type: 2, code: 0 });
  });

  it('marks a frame cut short instead of throwing', () => {
    const full = ethernet(
      A,
      B,
      0x0800,
      ipv4('10.0.0.1', '10.0.0.2', 6, tcp({ sport: 1, dport: 2, flags: TCP.SYN })),
    );
    expect(decodeFrame(full.subarray(0, 40), meta)).toMatchObject({
      truncated: 'tcp',
      ip: { src: '10.0.0.1' },
    });
    expect(decodeFrame(full.subarray(0, 20), meta).truncated).toBe('ipv4');
    expect(decodeFrame(full.subarray(0, 6), meta).truncated).toBe('ethernet');
  });
});

describe('readPcap', () => {
  const syn = ethernet(
    A,
    B,
    0x0800,
    ipv4('10.0.0.1', '10.0.0.2', 6, tcp({ sport: 1, dport: 80, flags: TCP.SYN })),
  );

  it('numbers frames from 1 and keeps microsecond timestamps', async () => {
    const file = await writePcap(
      'ok.pcap',
      pcapFile([{ frame: syn, timeUs: 1_700_000_000_123_456 }, { frame: syn }]),
    );
    const packets = await readPcap(file, 'a:eth0');
    expect(packets.map((p) => p.index)).toEqual([1, 2]);
    expect(packets[0]).toMatchObject({
      point: 'a:eth0',
      timeUs: 1_700_000_000_123_456,
      length: syn.length,
    });
  });

  it('reads big-endian files and nanosecond timestamps', async () => {
    const le = pcapFile([{ frame: syn, timeUs: 1_700_000_000_123_456 }]);
    const be = Buffer.from(le);
    // Every 32-bit header field swapped (the 16-bit version fields too), timestamps in ns.
    be.writeUInt32BE(0xa1b23c4d, 0);
    be.writeUInt16BE(2, 4);
    be.writeUInt16BE(4, 6);
    for (const o of [8, 12, 16, 20]) be.writeUInt32BE(le.readUInt32LE(o), o);
    be.writeUInt32BE(le.readUInt32LE(24), 24);
    be.writeUInt32BE(123_456_789, 28);
    for (const o of [32, 36]) be.writeUInt32BE(le.readUInt32LE(o), o);
    const [packet] = await readPcap(await writePcap('be-ns.pcap', be), 'a:eth0');
    expect(packet).toMatchObject({ timeUs: 1_700_000_000_123_456, length: syn.length });
    expect(packet?.tcp?.dport).toBe(80);
  });

  it('decodes frames kept shorter than their wire length (snap length)', async () => {
    const file = await writePcap(
      'snap.pcap',
      pcapFile([{ frame: syn, captured: 34 }], { snapLength: 34 }),
    );
    const [packet] = await readPcap(file, 'a:eth0');
    expect(packet).toMatchObject({ length: syn.length, truncated: 'tcp' });
  });

  const broken: [string, () => Buffer, RegExp][] = [
    ['an empty file', () => Buffer.alloc(0), /empty/],
    ['a wrong magic number', () => Buffer.from(pcapFile([]).fill(0x42, 0, 4)), /magic/],
    ['a file shorter than the pcap header', () => pcapFile([]).subarray(0, 10), /too short/],
    [
      'a truncated last record',
      () => pcapFile([{ frame: syn }]).subarray(0, 24 + 16 + 10),
      /truncated/,
    ],
    [
      'a frame over the snap length',
      () => pcapFile([{ frame: syn }], { snapLength: 20 }),
      /snap length/,
    ],
    [
      'a link type other than Ethernet',
      () => pcapFile([{ frame: syn }], { linkType: 113 }),
      /link type 113/,
    ],
  ];
  it.each(broken)('rejects %s with INVALID_PCAP', async (name, bytes, message) => {
    const file = await writePcap(`${name.replaceAll(' ', '-')}.pcap`, bytes());
    const error = await readPcap(file, 'a:eth0').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatlabError);
    expect(error).toMatchObject({ code: 'INVALID_PCAP', message: expect.stringMatching(message) });
  });
});
