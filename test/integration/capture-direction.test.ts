// Direction at a hairpin port on the real kernel: the access point's wlan0 (a hairpin port of br0)
// and the wifi client's wlan0 facing it are each recorded by two tcpdumps, -Q in and -Q out, merged
// into one pcapng whose epb_flags say each packet's way, as tshark reads them too.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import { loadScenarioNamed } from '../../src/scenario/load-scenario.ts';
import {
  describeLab,
  itUnless,
  missingTools,
  namespacesOf,
  processesMentioning,
} from '../support/lab.ts';
import { readPcap } from '../support/read-pcap.ts';

const itTshark = itUnless(await missingTools(['tshark'], '--test-tools'));
const SCENARIO = 'test/fixtures/capture-scenarios/wifi-hairpin.ts';

let outDir: string;
let result: ScenarioResult;

describeLab('exact direction at a hairpin port of a bridge inside a node', () => {
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'natlab-direction-'));
    result = await runScenario({ scenario: await loadScenarioNamed(SCENARIO), outDir });
    expect(await namespacesOf(result.runId ?? '')).toEqual([]);
    expect(await processesMentioning(`nl-${result.runId}-`)).toEqual([]);
  }, 120_000);
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('the reflected broadcast arrives at the client and leaves the access point, as the checks say', () => {
    expect(result.verdict).toBe('pass');
    expect(result.checks.filter((c) => c.id.startsWith('flow:')).map((c) => c.ok)).toEqual([
      true,
      true,
    ]);
  });

  it('keeps one pcapng per such point, the halves merged away, each packet with its direction', async () => {
    const files = await readdir(outDir);
    expect(files.filter((f) => /\.(in|out)\.pcap$/.test(f))).toEqual([]);
    const merged = result.captures.filter((c) => c.file.endsWith('.pcapng'));
    expect(merged.map((c) => `${c.node}:${c.iface}`)).toEqual(['gateway:wlan0', 'wifi:wlan0']);
    for (const capture of merged) {
      expect(files).toContain(basename(capture.file));
      const packets = await readPcap(capture.file, `${capture.node}:${capture.iface}`);
      expect(packets).toHaveLength(capture.packets);
      expect(packets.every((p) => p.direction !== undefined)).toBe(true);
      const requests = packets.filter((p) => p.icmp?.type === 8 && p.ip?.dst === '10.1.1.255');
      // The same frame twice: at the client sent, then back; at the access point in, then back out.
      expect(requests.map((p) => p.direction)).toEqual(
        capture.node === 'wifi' ? ['out', 'in'] : ['in', 'out'],
      );
      expect(new Set(requests.map((p) => p.hash)).size).toBe(1);
    }
    // Elsewhere one tcpdump and a plain pcap, as before.
    expect(result.captures.filter((c) => c.file.endsWith('.pcap'))).toHaveLength(8);
  });

  itTshark('tshark reads the merged pcapngs: the same frames, times and directions', async () => {
    for (const capture of result.captures.filter((c) => c.file.endsWith('.pcapng'))) {
      const { stdout } = await execa(
        'tshark',
        [
          '-r',
          capture.file,
          '-T',
          'fields',
          '-E',
          'separator=/t',
          '-e',
          'frame.time_epoch',
          '-e',
          'frame.len',
          '-e',
          'frame.packet_flags_direction',
        ],
        { timeout: 30_000 },
      );
      const theirs = stdout.split('\n').map((line) => line.split('\t'));
      const ours = (await readPcap(capture.file, capture.file)).map((p) => [
        (p.timeUs / 1e6).toFixed(6),
        String(p.length),
        p.direction === 'in' ? '0x00000001' : '0x00000002',
      ]);
      expect(theirs.map(([t, len, flags]) => [Number(t).toFixed(6), len, flags])).toEqual(ours);
    }
  });
});
