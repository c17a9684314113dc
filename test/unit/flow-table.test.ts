// The flow table counts what decodeFrame would, straight from the header fields.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowTable } from '../../src/analyse/flow-table.ts';
import { decodeCommand } from '../../src/cli/decode-command.ts';
import { FrameFields } from '../../src/decode/frame-fields.ts';
import { readPcapFile } from '../../src/decode/read-captures.ts';
import { forEachFrame } from '../../src/decode/read-pcap.ts';
import { readPcap } from '../support/read-pcap.ts';

/** The same table the slow way: from decoded Packets and their address text. */
async function flowsFromPackets(file: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const p of await readPcap(file, 'x')) {
    const l4 = p.tcp ?? p.udp;
    const bracket = (a: string) => (l4 && a.includes(':') ? `[${a}]` : a);
    const proto = p.tcp
      ? 'tcp'
      : p.udp
        ? 'udp'
        : p.icmp
          ? 'icmp'
          : p.arp
            ? 'arp'
            : p.malformed
              ? 'ipv4-bad-header'
              : p.ip
                ? `ipv${p.ip.version}-proto-${p.ip.protocol}`
                : 'l2';
    const a = p.ip
      ? `${bracket(p.ip.src)}${l4 ? `:${l4.sport}` : ''}`
      : (p.arp?.senderIp ?? p.srcMac);
    const b = p.ip
      ? `${bracket(p.ip.dst)}${l4 ? `:${l4.dport}` : ''}`
      : (p.arp?.targetIp ?? p.dstMac);
    const key = `${proto} ${a < b ? `${a} ↔ ${b}` : `${b} ↔ ${a}`}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('FlowTable', () => {
  it('counts every recorded capture the same as the decoded Packets do', async () => {
    const root = 'test/fixtures/captures';
    let files = 0;
    for (const fixture of await readdir(root)) {
      for (const name of (await readdir(join(root, fixture))).filter((f) => f.endsWith('.pcap'))) {
        const file = join(root, fixture, name);
        const table = new FlowTable();
        const fields = new FrameFields();
        forEachFrame(await readPcapFile(file), (bytes, start, end, meta) =>
          table.add(fields.parse(bytes, start, end), meta.length),
        );
        const fast = new Map(table.sorted().map((f) => [f.key, f.packets]));
        expect(fast).toEqual(await flowsFromPackets(file));
        files++;
      }
    }
    expect(files).toBeGreaterThan(50);
  });

  it('puts both directions of a conversation in one flow, busiest first', async () => {
    const table = new FlowTable();
    const fields = new FrameFields();
    forEachFrame(
      await readPcapFile('test/fixtures/captures/hairpin-broken/router-wan0.pcap'),
      (b, s, e, m) => table.add(fields.parse(b, s, e), m.length),
    );
    const [busiest] = table.sorted();
    expect(busiest?.key).toMatch(/^tcp 198\.51\.100\.10:\d+ ↔ 203\.0\.113\.1:80$/);
    expect(busiest?.packets).toBe(10);
  });
});

describe('decodeCommand', () => {
  it('prints a numbered line per frame, then the flows; --flows prints only the flows', async () => {
    const file = 'test/fixtures/captures/hairpin-broken/client-eth0.pcap';
    const frames = (await readPcap(file, 'x')).length;
    const run = async (printFrames: boolean) => {
      let text = '';
      await decodeCommand(
        file,
        {
          stdout: {
            write(chunk: string) {
              text += chunk;
              return true;
            },
          },
        },
        {
          frames: printFrames,
        },
      );
      return text.split('\n');
    };
    const full = await run(true);
    expect(full.filter((l) => /^ +\d+ \d\d:\d\d:\d\d\.\d{6} /.test(l))).toHaveLength(frames);
    expect(full).toContain(`${frames} frames, ${(await run(false))[0]?.split(', ')[1]}`);
    expect(full.some((l) => /SYN-ACK, length \d+$/.test(l))).toBe(true);
    const flowsOnly = await run(false);
    expect(flowsOnly[0]).toMatch(new RegExp(`^${frames} frames, \\d+ flows$`));
    expect(flowsOnly.some((l) => /^ +\d+ pkts +\d+ B {2}tcp 192\.168\.1\.10:\d+ ↔ /.test(l))).toBe(
      true,
    );
  });
});
