// A tcpdump that dies mid-run makes the run an error naming its capture point (exit 2), never a
// verdict, and the run still leaves nothing behind.

import { readdirSync, readFileSync } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NatlabError } from '../../src/errors.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { LEDGER_DIR } from '../../src/system/run-ledger.ts';
import { describeLab, namespacesOf, natlabCli, processesMentioning } from '../support/lab.ts';

const _ROOT = resolve(import.meta.dirname, '../..');
const broken = (await loadScenario('hairpin-broken')).def;

/** Pids of the tcpdump natlab started for this pcap (ip netns exec became tcpdump in place). */
function tcpdumpsWriting(pcap: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[] = [];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // It ended while we looked.
    }
    if (argv[0] === 'tcpdump' && argv.includes(pcap)) pids.push(Number(entry));
  }
  return pids;
}

async function expectNothingLeft(runId: string, dir: string): Promise<void> {
  expect(await namespacesOf(runId)).toEqual([]);
  expect(await processesMentioning(runId)).toEqual([]);
  expect(await processesMentioning(dir)).toEqual([]);
  await expect(access(`${LEDGER_DIR}/${runId}`)).rejects.toThrow();
}

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'natlab-capture-watch-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describeLab('captures are watched on the real kernel', () => {
  it('a tcpdump killed mid-run (SIGKILL): exit 2 naming the capture point, no verdict, nothing left', async () => {
    const dir = join(out, 'sigkill');
    const child = natlabCli(['hairpin-broken', '--out', dir]);
    let progress = '';
    const listening = new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`no capture line in 30 s:\n${progress}`)),
        30_000,
      );
      child.stderr?.on('data', (chunk: Buffer) => {
        progress += chunk.toString();
        if (progress.includes('tcpdump listening')) {
          clearTimeout(timer);
          done();
        }
      });
    });
    await listening;
    const pids = tcpdumpsWriting(join(dir, 'server-eth0.pcap'));
    expect(pids).toHaveLength(1);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const run = await child;
    expect(run.exitCode).toBe(2);
    const stderr = String(run.stderr);
    expect(stderr).toMatch(
      /capture on server:eth0 failed: tcpdump ended while the run still needed it \(killed by SIGKILL\)/,
    );
    expect(String(run.stdout)).not.toMatch(/PASS|FAIL/);
    const runId = /run ([0-9a-f]{6}):/.exec(stderr)?.[1] ?? 'missing';
    await expectNothingLeft(runId, dir);
  });

  it('a tcpdump stopped by someone else (SIGTERM, exit 0) before the traffic is an error too', async () => {
    const dir = join(out, 'sigterm');
    let killed = 0;
    const error = await runScenario({
      scenario: { name: 'capture-watch', file: '', def: broken },
      runId: 'capw01',
      outDir: dir,
      progress: {
        stepStarted: () => undefined,
        stepFinished: (step) => {
          if (step !== 'capture') return;
          // Synchronously, before the traffic step starts.
          for (const pid of tcpdumpsWriting(join(dir, 'client-eth0.pcap'))) {
            process.kill(pid, 'SIGTERM');
            killed++;
          }
        },
      },
    }).catch((e: unknown) => e);
    expect(killed).toBe(1);
    expect(error).toBeInstanceOf(NatlabError);
    expect(error).toMatchObject({ code: 'COMMAND_FAILED', stage: 'capture', node: 'client' });
    expect((error as NatlabError).message).toMatch(
      /^capture on client:eth0 failed: tcpdump ended while the run still needed it \(exit code 0\)/,
    );
    await expectNothingLeft('capw01', dir);
  });
});
