// The run ledger: a run's entry appears whole or not at all, a dead run is claimed by exactly one
// cleaner, a dead writer's or cleaner's leftovers are taken over, and a manifest whose names could
// steer a deletion outside its run is never acted on.

import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

const dir = await mkdtemp(join(tmpdir(), 'natlab-ledger-'));
process.env.NATLAB_LEDGER_DIR = dir;
const ledger = await import('../../src/system/run-ledger.ts');

/** A pid that is certainly not running: above the kernel's pid_max ceiling. */
const DEAD_PID = 4_194_305;

beforeEach(async () => {
  for (const entry of await readdir(dir)) await rm(join(dir, entry), { recursive: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the run ledger', () => {
  it('records a run under its id with this process as owner, and nothing else', async () => {
    await ledger.writeManifest({
      runId: 'abc123',
      scenario: 's',
      namespaces: ['nl-abc123-a'],
      kept: false,
    });
    expect(await readdir(dir)).toEqual(['abc123']);
    const [entry] = await ledger.readLedger();
    expect(entry).toMatchObject({ kind: 'run', manifest: { runId: 'abc123', pid: process.pid } });
    if (entry?.kind !== 'run') throw new Error('expected a run');
    expect(await ledger.isOwnerAlive(entry.manifest)).toBe(true);
  });

  it('never lists an entry that is still being written', async () => {
    await mkdir(join(dir, `.writing-abc123-${process.pid}`));
    expect(await ledger.readLedger()).toEqual([]);
  });

  it('refuses namespace names that leave the run: ../, another prefix, a slash', () => {
    const base = { runId: 'abc123', pid: 1, namespaces: [] as string[] };
    expect(ledger.manifestProblem({ ...base, namespaces: ['nl-abc123-a'] })).toBeUndefined();
    for (const ns of ['nl-abc123-../../etc', 'nl-other-a', 'nl-abc123-a/b', 'ns1', 'nl-abc123-']) {
      expect(ledger.manifestProblem({ ...base, namespaces: [ns] })).toMatch(
        /not one of this run's/,
      );
    }
    expect(ledger.manifestProblem({ ...base, runId: '../x' })).toMatch(/bad run id/);
  });

  it('reports a manifest with a foreign name as invalid, so no clean acts on it', async () => {
    await mkdir(join(dir, 'abc123'));
    const bad = {
      runId: 'abc123',
      scenario: 's',
      pid: DEAD_PID,
      pidStartTime: '1',
      createdAt: '',
      namespaces: ['nl-abc123-../x'],
      kept: false,
    };
    await writeFile(join(dir, 'abc123', 'manifest.json'), JSON.stringify(bad));
    expect(await ledger.readLedger()).toEqual([
      { kind: 'invalid', runId: 'abc123', problem: expect.stringMatching(/not one of this run's/) },
    ]);
  });

  it('lets exactly one of several concurrent cleaners claim a run', async () => {
    await ledger.writeManifest({ runId: 'abc123', scenario: 's', namespaces: [], kept: false });
    const claims = await Promise.all([1, 2, 3, 4].map(() => ledger.claimRun('abc123')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await ledger.readLedger()).toEqual([]);
    await claims.find(Boolean)?.();
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes a dead writer’s half-written entry and puts back a dead cleaner’s claimed run', async () => {
    await mkdir(join(dir, `.writing-aaa111-${DEAD_PID}`));
    await mkdir(join(dir, `.cleaning-bbb222-${DEAD_PID}`));
    await mkdir(join(dir, `.cleaning-ccc333-${process.pid}`));
    await ledger.recoverAbandoned();
    expect((await readdir(dir)).sort()).toEqual([`.cleaning-ccc333-${process.pid}`, 'bbb222']);
  });
});
