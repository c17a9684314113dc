// Frames a capture can hold that no header describes properly: a runt under 14 bytes, whose MACs
// must not be read from the next record's header, and an IPv4 header claiming a length under 20
// bytes, which must not pass for anything else (it once showed as "ip6").

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCommand } from '../../src/cli/decode-command.ts';
import { ethernet, ipv4, pcapFile, TCP, tcp } from '../support/frames.ts';
import { readPcap } from '../support/read-pcap.ts';

const dir = await mkdtemp(join(tmpdir(), 'natlab-edge-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const syn = () =>
  ethernet(
    '02:00:00:00:00:01',
    '02:00:00:00:00:02',
    0x0800,
    ipv4('10.0.0.1', '10.0.0.2', 6, tcp({ sport: 1000, dport: 80, flags: TCP.SYN })),
  );
const badIhl = () => {
  const frame = syn();
  frame[14] = 0x40;
  return frame;
};
const runt = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

async function decodeText(name: string, frames: Uint8Array[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, pcapFile(frames.map((frame) => ({ frame }))));
  const chunks: string[] = [];
  const write = (chunk: string) => chunks.push(chunk) > 0;
  await decodeCommand(file, { stdout: { write } });
  return chunks.join('');
}

describe('decoding frames no header describes properly', () => {
  it('takes no MAC addresses for a runt, and counts runts in a flow of their own', async () => {
    const text = await decodeText('runt.pcap', [runt, syn()]);
    expect(text).toMatch(/ {6}1 \S+ \(no MAC header\) runt frame \(under 14 bytes\), length 10/);
    expect(text).toMatch(/1 pkts +10 B {2}runt \(frames under 14 bytes\)/);
    // The next record's header bytes (timestamps) never appear as a MAC address.
    expect(text).not.toMatch(/07:08:09:0a/);
    const [packet] = await readPcap(join(dir, 'runt.pcap'), 'x');
    expect(packet).toMatchObject({ truncated: 'ethernet', srcMac: '', dstMac: '' });
  });

  it('marks an IPv4 header length of 0 as a bad header, not as IPv6 or TCP', async () => {
    const text = await decodeText('ihl0.pcap', [badIhl(), syn()]);
    expect(text).toMatch(/10\.0\.0\.1 → 10\.0\.0\.2 bad IPv4 header \(length under 20 bytes\)/);
    expect(text).toMatch(/1 pkts +54 B {2}ipv4-bad-header 10\.0\.0\.1 ↔ 10\.0\.0\.2/);
    expect(text).toMatch(/1 pkts +54 B {2}tcp 10\.0\.0\.1:1000 ↔ 10\.0\.0\.2:80/);
    expect(text).not.toMatch(/ip6/);
    const [packet] = await readPcap(join(dir, 'ihl0.pcap'), 'x');
    expect(packet).toMatchObject({ malformed: 'ipv4', ip: { version: 4 } });
    expect(packet?.tcp).toBeUndefined();
  });
});
