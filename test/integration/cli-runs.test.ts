// The CLI as users and CI run it: a separate process, real exit codes, signals, parallel runs.

import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LEDGER_DIR } from '../../src/system/run-ledger.ts';
import {
  AS_NOBODY,
  describeLab,
  NATLAB_CLI,
  namespacesOf,
  natlabCli,
  processesMentioning,
} from '../support/lab.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const cli = (args: string[]) => natlabCli(args);

/** Starts a run and resolves once its progress shows `marker`. */
async function startUntil(args: string[], marker: string) {
  const child = cli(args);
  let seen = '';
  await new Promise<void>((done) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(marker)) done();
    });
  });
  return { child, stderr: seen };
}

/** Once tcpdump listens, the probes start right after. */
const startUntilCapturing = (args: string[]) => startUntil(args, 'tcpdump listening');

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'natlab-cli-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describeLab('the natlab CLI on the real kernel', () => {
  it('--json prints only the result, with the contract fields, and exits 0', async () => {
    const dir = join(out, 'json');
    const run = await cli([
      'hairpin-broken',
      '--json',
      '--out',
      dir,
      '--junit',
      join(dir, 'junit.xml'),
    ]);
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(String(run.stdout));
    expect(result).toMatchObject({
      scenario: 'hairpin-broken',
      verdict: 'pass',
      durationMs: expect.any(Number),
    });
    expect(result.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    expect(result.probes).toContainEqual(
      expect.objectContaining({
        from: 'remote',
        to: '203.0.113.1:80',
        ok: true,
        serverSaw: '198.51.100.10',
      }),
    );
    expect(result.probes).toContainEqual(
      expect.objectContaining({ from: 'client', to: '203.0.113.1:80', ok: false }),
    );
    for (const capture of result.captures) {
      expect(capture.file.startsWith(dir)).toBe(true);
      await access(capture.file);
    }
    expect(JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')).runId).toBe(result.runId);
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toContain(`tests="${result.checks.length}" failures="0"`);
    expect(junit.match(/<testcase /g)).toHaveLength(result.checks.length);
    expect(String(run.stderr)).toMatch(/build .* namespaces/);
  });

  it('two runs at once do not interfere', async () => {
    const [a, b] = await Promise.all([
      cli(['hairpin-broken', '--json', '--out', join(out, 'par-a')]),
      cli(['hairpin-masquerade', '--json', '--out', join(out, 'par-b')]),
    ]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    const [ra, rb] = [JSON.parse(String(a.stdout)), JSON.parse(String(b.stdout))];
    expect(ra.runId).not.toBe(rb.runId);
    expect(ra.verdict).toBe('pass');
    expect(rb.verdict).toBe('pass');
  });

  it('six runs at once all give their normal verdicts', async () => {
    const names = [
      'hairpin-broken',
      'hairpin-masquerade',
      'hairpin-nft',
      'dmz-subnet',
      'split-horizon-dns',
      'bridge-nat-bug',
    ];
    const runs = await Promise.all(
      names.map((name) => cli([name, '--json', '--out', join(out, `six-${name}`)])),
    );
    const results = runs.map((r) => JSON.parse(String(r.stdout)));
    expect(results.map((r) => [r.scenario, r.verdict])).toEqual(names.map((n) => [n, 'pass']));
    expect(runs.map((r) => r.exitCode)).toEqual(names.map(() => 0));
    expect(new Set(results.map((r) => r.runId)).size).toBe(6);
  });

  it('SIGINT mid-traffic tears the lab down and exits 130', async () => {
    const dir = join(out, 'sigint');
    const { child } = await startUntilCapturing(['hairpin-broken', '--out', dir]);
    child.kill('SIGINT');
    const run = await child;
    expect(run.exitCode).toBe(130);
    expect(String(run.stderr)).toMatch(/interrupted; everything this run created was removed/);
    expect(String(run.stderr)).not.toMatch(/ traffic /);
    const runId = /nl-([0-9a-f]{6})-/.exec(String(run.stderr))?.[1] ?? 'missing';
    expect(await namespacesOf(runId)).toEqual([]);
    expect(await processesMentioning(runId)).toEqual([]);
    expect(await processesMentioning(dir)).toEqual([]);
  });

  it('SIGINT as the build starts tears down whatever it had made, and exits 130', async () => {
    // The plan line, which names the run, is printed as the build begins.
    const dir = join(out, 'sigint-build');
    const { child, stderr } = await startUntil(['hairpin-broken', '--out', dir], 'capture points');
    child.kill('SIGINT');
    const run = await child;
    expect(run.exitCode).toBe(130);
    expect(String(run.stderr)).not.toMatch(/ traffic /);
    const runId = /run ([0-9a-f]{6}):/.exec(stderr)?.[1] ?? 'missing';
    expect(await namespacesOf(runId)).toEqual([]);
    expect(await processesMentioning(runId)).toEqual([]);
    expect(await processesMentioning(dir)).toEqual([]);
    await expect(access(`${LEDGER_DIR}/${runId}`)).rejects.toThrow();
  });

  it('SIGTERM is handled like SIGINT: torn down, exit 130', async () => {
    const { child } = await startUntilCapturing(['hairpin-broken', '--out', join(out, 'sigterm')]);
    child.kill('SIGTERM');
    const run = await child;
    expect(run.exitCode).toBe(130);
    const runId = /nl-([0-9a-f]{6})-/.exec(String(run.stderr))?.[1] ?? 'missing';
    expect(await namespacesOf(runId)).toEqual([]);
    expect(await processesMentioning(runId)).toEqual([]);
  });

  it('after SIGKILL, npm run clean removes what the dead run recorded, and only that', async () => {
    const dir = join(out, 'sigkill');
    const { child, stderr } = await startUntilCapturing(['hairpin-broken', '--out', dir]);
    child.kill('SIGKILL');
    await child;
    const runId = /nl-([0-9a-f]{6})-/.exec(stderr)?.[1] ?? 'missing';
    // Nothing ran the teardown: the lab is still there. Its processes are not: the run's spawner
    // saw natlab go (its stdin closed) and killed every one it had started.
    expect(await namespacesOf(runId)).toHaveLength(6);
    const until = Date.now() + 10_000;
    while ((await processesMentioning(dir)).length > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await processesMentioning(dir)).toEqual([]);
    const clean = await execa(process.execPath, ['--import', 'tsx', 'src/cli/clean-command.ts'], {
      cwd: ROOT,
    });
    // A run starting meanwhile in another test file reaps dead runs first, and may take this one:
    // either this clean removed it or it was already gone, and either way nothing of it is left.
    expect(clean.stdout).toMatch(
      new RegExp(`removed run ${runId} \\(hairpin-broken\\): 6 namespaces|^nothing to clean$`),
    );
    expect(await namespacesOf(runId)).toEqual([]);
    expect(await processesMentioning(dir)).toEqual([]);
    expect(await processesMentioning(runId)).toEqual([]);
  });

  it('--keep leaves the lab up for inspection, and npm run clean removes it', async () => {
    const run = await cli(['hairpin-masquerade', '--keep', '--json', '--out', join(out, 'keep')]);
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(String(run.stdout));
    expect(await namespacesOf(result.runId)).toHaveLength(6);
    expect(result.kept).toContainEqual({
      node: 'client',
      enter: `ip netns exec nl-${result.runId}-client bash`,
    });
    const clean = await execa(process.execPath, ['--import', 'tsx', 'src/cli/clean-command.ts'], {
      cwd: ROOT,
    });
    // Any clean takes a kept lab, and another test file's (ledger-races) may run meanwhile: either
    // this clean removed it or that one did, and either way nothing of it is left.
    expect(clean.stdout).toMatch(
      new RegExp(`removed run ${result.runId} \\(hairpin-masquerade\\)|^nothing to clean$`),
    );
    expect(await namespacesOf(result.runId)).toEqual([]);
    expect(await processesMentioning(result.runId)).toEqual([]);
  });

  it('says "needs root" and exits 2 without CAP_NET_ADMIN', async () => {
    const [setpriv, ...asNobody] = AS_NOBODY;
    const run = await execa(setpriv, [...asNobody, ...NATLAB_CLI, 'hairpin-broken'], {
      cwd: ROOT,
      reject: false,
      timeout: 30_000,
      env: { TSX_TSCONFIG_PATH: undefined },
    });
    expect(run.exitCode).toBe(2);
    expect(String(run.stderr)).toMatch(/needs root: CAP_NET_ADMIN and CAP_SYS_ADMIN/);
  });
});
