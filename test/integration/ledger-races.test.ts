// The run ledger under concurrency on the real kernel: cleans racing each other and a live run.
//   dead run (manifest + 2 namespaces) ──┬── clean #1
//                                        └── clean #2     → removed once, both exit 0, no stack
//   live hairpin run  ←── tight clean loop  → its ledger survives, so after SIGKILL a clean removes it

import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { cleanDeadRuns } from '../../src/backend/clean-runs.ts';
import { LEDGER_DIR } from '../../src/system/run-ledger.ts';
import { describeLab, namespacesOf, processesMentioning } from '../support/lab.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const node = (script: string, args: string[] = []) =>
  execa(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    reject: false,
    timeout: 60_000,
  });

describeLab('the run ledger under concurrency', () => {
  it('two cleans at once remove a dead run exactly once, both quietly', async () => {
    const runId = `dead${process.pid.toString(36)}`.slice(0, 12);
    const namespaces = [`nl-${runId}-a`, `nl-${runId}-b`];
    for (const ns of namespaces) await execa('ip', ['netns', 'add', ns], { timeout: 10_000 });
    await mkdir(`${LEDGER_DIR}/${runId}`, { recursive: true });
    const manifest = {
      runId,
      scenario: 'dead',
      pid: 4_194_305,
      pidStartTime: '1',
      createdAt: '',
      namespaces,
      // Kept: only a clean takes it, never the preflight of a run starting meanwhile in another
      // test file, so these two cleans are the only ones racing for it.
      kept: true,
    };
    await writeFile(`${LEDGER_DIR}/${runId}/manifest.json`, JSON.stringify(manifest));

    const cleans = await Promise.all([1, 2].map(() => node('src/cli/clean-command.ts')));
    for (const clean of cleans) {
      expect({ exit: clean.exitCode, stderr: clean.stderr }).toEqual({ exit: 0, stderr: '' });
    }
    const removals = cleans.filter((c) =>
      c.stdout.includes(`removed run ${runId} (dead): 2 namespaces`),
    );
    expect(removals).toHaveLength(1);
    expect(await namespacesOf(runId)).toEqual([]);
  });

  it('a tight clean loop never takes a live run’s ledger', async () => {
    const child = node('src/cli/main.ts', ['hairpin-broken']);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const deadline = Date.now() + 30_000;
    const cleanedIds: string[] = [];
    // Clean over and over from before the run's ledger exists until its captures are running.
    while (!stderr.includes('tcpdump listening') && Date.now() < deadline) {
      const { cleaned } = await cleanDeadRuns({ includeKept: false });
      cleanedIds.push(...cleaned.map((c) => c.runId));
    }
    const runId = /nl-([0-9a-f]{6})-/.exec(stderr)?.[1] ?? 'missing';
    expect(cleanedIds).not.toContain(runId);
    child.kill('SIGKILL');
    await child;
    expect(await namespacesOf(runId)).toHaveLength(6);
    // The ledger survived the loop, so the dead run can still be removed whole: by this clean, or
    // by a run starting meanwhile in another test file, which reaps dead runs first. Either way
    // nothing of it is left, which needs its ledger.
    const clean = await node('src/cli/clean-command.ts');
    expect(clean.stdout).toMatch(
      new RegExp(`removed run ${runId} \\(hairpin-broken\\): 6 namespaces|^nothing to clean$`),
    );
    expect(await namespacesOf(runId)).toEqual([]);
    expect(await processesMentioning(runId)).toEqual([]);
  });
});
