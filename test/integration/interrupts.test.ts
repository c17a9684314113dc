// SIGINT at every point a run waits (loading, build, capture start, traffic, teardown): the CLI
// exits 130 within a bound and leaves nothing: no namespace, process, ledger entry or temp dir.

import { access, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { LEDGER_DIR } from '../../src/system/run-ledger.ts';
import { describeLab, namespacesOf, natlabCli, processesMentioning } from '../support/lab.ts';

const _ROOT = resolve(import.meta.dirname, '../..');
/** Teardown of a six-namespace lab on a loaded machine, with room; the CLI's own backstop is 30 s. */
const BOUND_MS = 30_000;

const cli = (args: string[]) => natlabCli(args, { timeout: 120_000 });

/** Temporary run directories made by the natlab process `pid` (their marker names it). */
async function runDirsOf(pid: number): Promise<string[]> {
  const dirs: string[] = [];
  for (const name of await readdir(tmpdir())) {
    if (!name.startsWith('natlab-')) continue;
    const marker = await readFile(join(tmpdir(), name, '.natlab-run'), 'utf8').catch(() => '');
    if (Number.parseInt(marker, 10) === pid) dirs.push(name);
  }
  return dirs;
}

/**
 * Starts hairpin-broken without --out, SIGINTs it once stderr shows `marker`, and checks it all.
 * `built`: the lab and the run's directory exist by then (proven before the signal).
 */
async function interruptAt(marker: RegExp, built = true) {
  const child = cli(['hairpin-broken']);
  let stderr = '';
  await new Promise<void>((done, fail) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (marker.test(stderr)) done();
    });
    child.then(() => fail(new Error(`ended before ${marker}:\n${stderr}`)), fail);
  });
  const pid = child.pid ?? -1;
  const runId = /run ([0-9a-f]{6}):/.exec(stderr)?.[1] ?? 'missing';
  // What the assertions below look for is really there before the signal.
  if (built) {
    expect(await namespacesOf(runId)).not.toEqual([]);
    expect(await runDirsOf(pid)).toHaveLength(1);
  }
  const sent = performance.now();
  child.kill('SIGINT');
  const run = await child;
  expect(performance.now() - sent).toBeLessThan(BOUND_MS);
  expect(run.exitCode).toBe(130);
  expect(String(run.stderr)).toMatch(/interrupted; everything this run created was removed/);
  expect(await namespacesOf(runId)).toEqual([]);
  expect(await processesMentioning(runId)).toEqual([]);
  await expect(access(`${LEDGER_DIR}/${runId}`)).rejects.toThrow();
  expect(await runDirsOf(pid)).toEqual([]);
  return String(run.stderr);
}

describeLab('SIGINT at each point a run waits', () => {
  it('while a scenario file loads (one that never finishes): exit 130, its loader gone', async () => {
    const dir = 'test/fixtures/bad-input/hanging-scenarios';
    const child = cli(['loops-while-loading', '--scenarios', dir]);
    // The loader child is up once a process names the file.
    const deadline = Date.now() + 30_000;
    while ((await processesMentioning(`${dir}/loops-while-loading.ts`)).length === 0) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 100));
    }
    const sent = performance.now();
    child.kill('SIGINT');
    const run = await child;
    // Far below the 20 s load deadline: the signal, not the deadline, ended it.
    expect(performance.now() - sent).toBeLessThan(10_000);
    expect(run.exitCode).toBe(130);
    expect(await processesMentioning(`${dir}/loops-while-loading.ts`)).toEqual([]);
  });

  it('as the build starts (plan printed): exit 130, nothing left', async () => {
    const stderr = await interruptAt(/ - plan /, false);
    expect(stderr).not.toMatch(/ - rulesets /);
  });

  it('as the captures start (rules applied): exit 130, nothing left', async () => {
    const stderr = await interruptAt(/ - rulesets /);
    // The capture step may finish (its wait for tcpdump is bounded); nothing after it runs.
    expect(stderr).not.toMatch(/ - traffic /);
  });

  it('during the traffic (tcpdump listening): exit 130, nothing left', async () => {
    const stderr = await interruptAt(/ - capture /);
    expect(stderr).not.toMatch(/ - traffic /);
  });

  it('during the teardown (checks done): exit 130, nothing left', async () => {
    const stderr = await interruptAt(/ - check /);
    expect(stderr).toMatch(/ - teardown .*all removed/);
  });
});
