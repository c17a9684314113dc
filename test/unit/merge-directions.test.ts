// A point recorded per direction (two tcpdumps, -Q in and -Q out) merged into one pcapng: frames in
// time order, each block's epb_flags saying its way, read back by natlab's decoder, held to the two
// tcpdumps' counts together; the plan says which points are recorded so.

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tcpdumpArgv } from '../../src/capture/start-captures.ts';
import { decodeCommand } from '../../src/cli/decode-command.ts';
import { decodeCaptures } from '../../src/decode/decode-captures.ts';
import { mergeDirections } from '../../src/decode/merge-directions.ts';
import { readCaptureFiles } from '../../src/decode/read-captures.ts';
import { decodePcap } from '../../src/decode/read-pcap.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import type { CapturePointPlan } from '../../src/plan/topology-plan.ts';
import { loadScenarioNamed } from '../../src/scenario/load-scenario.ts';
import { ethernet, ipv4, pcapFile, TCP, tcp } from '../support/frames.ts';

const dir = await mkdtemp(join(tmpdir(), 'natlab-merge-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const frame = (sport: number, payload = 0) =>
  ethernet(
    '02:00:00:00:00:01',
    '02:00:00:00:00:02',
    0x0800,
    ipv4('10.0.0.1', '10.0.0.2', 6, tcp({ sport, dport: 80, flags: TCP.SYN, payload })),
  );
const T = 1_796_306_451_000_000;
const inbound = pcapFile([
  { frame: frame(1), timeUs: T + 10 },
  { frame: frame(3), timeUs: T + 30 },
]);
// A frame cut by the snap length keeps its wire length; odd sizes need the block's padding.
const outbound = pcapFile([
  { frame: frame(2, 3), timeUs: T + 20, captured: 55 },
  { frame: frame(4), timeUs: T + 30 },
]);
const point: CapturePointPlan = {
  node: 'ap',
  iface: 'wlan0',
  id: 'ap:wlan0',
  inboundOnly: false,
  perDirection: true,
};

describe('mergeDirections', () => {
  it('interleaves both halves by time, in before out at one microsecond, each with its direction', () => {
    const merged = mergeDirections({
      in: { bytes: inbound, file: 'in.pcap' },
      out: { bytes: outbound, file: 'out.pcap' },
    });
    const packets = decodePcap({ bytes: merged, file: 'merged.pcapng' }, point.id);
    expect(packets.map((p) => [p.index, p.timeUs - T, p.tcp?.sport, p.direction])).toEqual([
      [1, 10, 1, 'in'],
      [2, 20, 2, 'out'],
      [3, 30, 3, 'in'],
      [4, 30, 4, 'out'],
    ]);
    expect(packets[1]?.length).toBe(frame(2, 3).length);
    // The same frames, byte for byte, as each half held them.
    const halves = [
      ...decodePcap({ bytes: inbound, file: 'in' }, point.id),
      ...decodePcap({ bytes: outbound, file: 'out' }, point.id),
    ];
    expect(packets.map((p) => p.hash).sort()).toEqual(halves.map((p) => p.hash).sort());
  });

  it('reads epb_flags with no direction bits (tcpdump -w on any other point) as saying nothing', () => {
    const merged = mergeDirections({
      in: { bytes: inbound, file: 'in.pcap' },
      out: { bytes: outbound, file: 'out.pcap' },
    });
    // Section header 28, interface 20, the first packet block's header 28 and frame 54 (+2 padding).
    const flags = 28 + 20 + 28 + 56 + 4;
    expect(merged.readUInt16LE(flags - 4)).toBe(2);
    merged.writeUInt32LE(0, flags);
    const packets = decodePcap({ bytes: merged, file: 'merged.pcapng' }, point.id);
    expect(packets.map((p) => p.direction)).toEqual([undefined, 'out', 'in', 'out']);
  });

  it('refuses a damaged half by name', () => {
    expect(() =>
      mergeDirections({
        in: { bytes: inbound.subarray(0, inbound.length - 3), file: 'ap-wlan0.in.pcap' },
        out: { bytes: outbound, file: 'ap-wlan0.out.pcap' },
      }),
    ).toThrow(/invalid pcap ap-wlan0\.in\.pcap: truncated/);
  });
});

describe('a point recorded per direction, read', () => {
  const halves = async (name: string) => {
    const where = join(dir, name);
    await rm(where, { recursive: true, force: true });
    await writeFile(join(dir, `${name}.in.pcap`), inbound);
    await writeFile(join(dir, `${name}.out.pcap`), outbound);
    return {
      point,
      file: join(dir, `${name}.pcapng`),
      directions: { in: join(dir, `${name}.in.pcap`), out: join(dir, `${name}.out.pcap`) },
    };
  };

  it('is merged into its pcapng, the halves removed, and held to both tcpdumps together', async () => {
    const capture = { ...(await halves('ok')), captured: 4 };
    const [read] = await readCaptureFiles([capture]);
    if (!read) throw new Error('nothing read');
    expect((await readdir(dir)).filter((f) => f.startsWith('ok.'))).toEqual(['ok.pcapng']);
    expect(decodeCaptures([read])[0]?.map((p) => p.direction)).toEqual(['in', 'out', 'in', 'out']);
    let text = '';
    const stdout = {
      write(chunk: string) {
        text += chunk;
        return true;
      },
    };
    await decodeCommand(capture.file, { stdout });
    expect(text.split('\n').slice(0, 2)).toEqual([
      expect.stringMatching(
        /^ {6}1 \d\d:\d\d:\d\d\.\d{6} In {2}10\.0\.0\.1:1 → 10\.0\.0\.2:80 SYN/,
      ),
      expect.stringMatching(/^ {6}2 \d\d:\d\d:\d\d\.\d{6} Out 10\.0\.0\.1:2 → 10\.0\.0\.2:80 /),
    ]);
  });

  it('is short when the two tcpdumps wrote more than the halves hold', async () => {
    const [read] = await readCaptureFiles([{ ...(await halves('short')), captured: 5 }]);
    if (!read) throw new Error('nothing read');
    expect(() => decodeCaptures([read])).toThrow(
      /capture on ap:wlan0: pcap ends short: .*short\.pcapng holds 4 packets, tcpdump wrote 5/,
    );
  });

  it('runs each tcpdump for its direction only', () => {
    expect(tcpdumpArgv(point, 'x.in.pcap', 'in')).toContain('in');
    expect(tcpdumpArgv(point, 'x.out.pcap', 'out').join(' ')).toMatch(
      /-i wlan0 -Q out -w x\.out\.pcap/,
    );
    expect(tcpdumpArgv({ ...point, perDirection: false }, 'x.pcap').join(' ')).not.toMatch(/-Q/);
  });
});

describe('which points the plan records per direction', () => {
  const opts = { scenario: 't', runId: 'mrg001' };
  const perDirection = (plan: ReturnType<typeof planTopology>) =>
    plan.captures.filter((c) => c.perDirection).map((c) => c.id);

  it('a hairpin port facing a captured switch port: the port alone (the switch side is inbound-only)', async () => {
    const plan = planTopology((await loadScenarioNamed('bridge-nat-hairpin-port')).def, opts);
    expect(perDirection(plan)).toEqual(['gateway:eth0']);
  });

  it('a hairpin port facing a host, and a port put in hairpin mode by a step: both ends of the veth', async () => {
    const { def } = await loadScenarioNamed('test/fixtures/capture-scenarios/wifi-hairpin.ts');
    expect(perDirection(planTopology(def, opts))).toEqual(['gateway:wlan0', 'wifi:wlan0']);
    const lab = (await loadScenarioNamed('bridge-nat-nf-off')).def;
    expect(perDirection(planTopology(lab, opts))).toEqual([]);
    const stepped = {
      ...lab,
      steps: [{ name: 'hairpin', interfaces: { 'gateway:wlan0': { hairpin: true } } }],
    };
    expect(perDirection(planTopology(stepped, opts))).toEqual(['gateway:wlan0', 'wifi:wlan0']);
  });
});
