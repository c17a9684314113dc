// A capture is trusted only when tcpdump stopped on natlab's word and its pcap holds what it wrote.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeCaptureExit } from '../../src/capture/capture-exit.ts';
import type { CaptureFile } from '../../src/capture/start-captures.ts';
import { decodeCaptures } from '../../src/decode/decode-captures.ts';
import { readCaptureFiles } from '../../src/decode/read-captures.ts';
import type { CapturePointPlan } from '../../src/plan/topology-plan.ts';
import { readPcap } from '../support/read-pcap.ts';

const FIXTURE = 'test/fixtures/captures/hairpin-broken/client-eth0.pcap';
const point: CapturePointPlan = {
  node: 'client',
  iface: 'eth0',
  id: 'client:eth0',
  inboundOnly: false,
  perDirection: false,
};
const listening =
  'tcpdump: listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n';
const counts = (captured: number, dropped: number) =>
  `${listening}${captured} packets captured\n${captured} packets received by filter\n${dropped} packets dropped by kernel\n`;

describe('judgeCaptureExit', () => {
  it('trusts a tcpdump stopped by natlab with exit 0 and nothing dropped, and keeps its count', () => {
    expect(judgeCaptureExit({ stdout: '', stderr: counts(15, 0), exitCode: 0 }, false)).toEqual({
      captured: 15,
    });
  });

  it('trusts the counts of a tcpdump that has said them and is still exiting, drops included', () => {
    const said = (stderr: string) => ({ stdout: '', stderr, saidDone: true as const });
    expect(judgeCaptureExit(said(counts(15, 0)), false)).toEqual({ captured: 15 });
    expect(judgeCaptureExit(said(counts(15, 2)), false)).toMatchObject({
      problem: expect.stringMatching(/dropped 2 packet/),
    });
  });

  it('reads the singular tcpdump prints for one packet', () => {
    const one = `${listening}1 packet captured\n1 packet received by filter\n0 packets dropped by kernel\n`;
    expect(judgeCaptureExit({ stdout: '', stderr: one, exitCode: 0 }, false)).toEqual({
      captured: 1,
    });
    const lost = `${listening}5 packets captured\n6 packets received by filter\n1 packet dropped by kernel\n`;
    expect(judgeCaptureExit({ stdout: '', stderr: lost, exitCode: 0 }, false)).toMatchObject({
      problem: expect.stringMatching(/dropped 1 packet/),
    });
  });

  it('refuses one that ended before natlab stopped it, even with exit 0, and says how', () => {
    const killed = judgeCaptureExit({ stdout: '', stderr: listening, signal: 'SIGKILL' }, true);
    expect(killed).toEqual({
      problem: 'tcpdump ended while the run still needed it (killed by SIGKILL)',
    });
    const quit = judgeCaptureExit({ stdout: '', stderr: counts(3, 0), exitCode: 0 }, true);
    expect(quit).toEqual({
      problem:
        'tcpdump ended while the run still needed it (exit code 0): 0 packets dropped by kernel',
    });
    const gone = judgeCaptureExit(
      {
        stdout: '',
        stderr: `${listening}tcpdump: pcap_loop: The interface disappeared\n`,
        exitCode: 1,
      },
      true,
    );
    expect(gone).toMatchObject({ problem: expect.stringMatching(/interface disappeared$/) });
  });

  it('refuses a stop that was not clean, missing counts, and packets the kernel dropped', () => {
    expect(
      judgeCaptureExit({ stdout: '', stderr: counts(2, 0), exitCode: 0, signal: 'SIGKILL' }, false),
    ).toMatchObject({
      problem: expect.stringMatching(/did not stop cleanly \(killed by SIGKILL\)/),
    });
    expect(judgeCaptureExit({ stdout: '', stderr: listening, exitCode: 0 }, false)).toEqual({
      problem: 'tcpdump stopped without printing its packet counts',
    });
    expect(judgeCaptureExit({ stdout: '', stderr: counts(9, 4), exitCode: 0 }, false)).toEqual({
      problem: 'the kernel dropped 4 packet(s) before tcpdump read them: the pcap misses them',
    });
  });
});

/** Read, then decoded: the run's two steps for its captures. */
async function readCaptures(files: CaptureFile[]) {
  return decodeCaptures(await readCaptureFiles(files));
}

describe('readCaptureFiles and decodeCaptures', () => {
  let dir: string;
  let whole: Buffer;
  let frames: number;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'natlab-capture-watch-'));
    whole = await readFile(FIXTURE);
    frames = (await readPcap(FIXTURE, point.id)).length;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the packets of a pcap that holds exactly what tcpdump wrote', async () => {
    expect(frames).toBeGreaterThan(2);
    const [packets] = await readCaptures([{ point, file: FIXTURE, captured: frames }]);
    expect(packets).toHaveLength(frames);
    expect(packets?.[0]?.point).toBe('client:eth0');
  });

  it('names the point of a pcap whose last record is torn', async () => {
    const file = join(dir, 'torn.pcap');
    await writeFile(file, whole.subarray(0, whole.length - 5));
    await expect(readCaptures([{ point, file, captured: frames }])).rejects.toMatchObject({
      code: 'INVALID_PCAP',
      stage: 'decode',
      node: 'client',
      message: expect.stringMatching(/^capture on client:eth0: invalid pcap .*truncated/),
    });
  });

  it('names the point of a whole pcap that holds fewer packets than tcpdump wrote', async () => {
    await expect(readCaptures([{ point, file: FIXTURE, captured: frames + 2 }])).rejects.toThrow(
      `capture on client:eth0: pcap ends short: ${FIXTURE} holds ${frames} packets, tcpdump wrote ${frames + 2}`,
    );
  });
});
