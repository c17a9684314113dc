// natlab as users start it: the compiled `natlab` bin, and `npm run scenario`, whose signals must
// reach node (npm's direct child, through `exec`) and whose node must not outlive a killed npm.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { beforeAll, expect, it } from 'vitest';
import { describeLab, namespacesOf, processesMentioning } from '../support/lab.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = resolve(ROOT, 'dist/cli/natlab.js');

/** Resolves with what stderr held once it shows `marker`; rejects if the process ends first. */
function stderrUntil(child: ResultPromise, marker: RegExp): Promise<string> {
  let seen = '';
  return new Promise((done, fail) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (marker.test(seen)) done(seen);
    });
    child.then(
      () => fail(new Error(`ended before ${marker}:\n${seen}`)),
      () => fail(new Error(`ended before ${marker}:\n${seen}`)),
    );
  });
}

/** The pids whose parent is `pid`, from /proc. */
async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
  return text.split(' ').filter(Boolean).map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls, bounded: a process that does not end within `ms` fails the test. */
async function gone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

/** `npm run scenario hairpin-broken`, stopped once the lab is built; returns npm and its node. */
async function npmRunUntilBuilt() {
  const npm = execa('npm', ['run', 'scenario', 'hairpin-broken'], {
    cwd: ROOT,
    reject: false,
    timeout: 120_000,
  });
  const stderr = await stderrUntil(npm, / build .*\n/);
  const runId = /run ([0-9a-f]{6}):/.exec(stderr)?.[1] ?? 'missing';
  const [node, ...others] = await childrenOf(npm.pid ?? 0);
  return { npm, node: node ?? 0, others, runId };
}

// The bin runs dist/: compiled now if src/ is newer (a no-op when it is fresh).
beforeAll(async () => {
  await execa('bash', ['scripts/build.sh', '--if-stale'], { cwd: ROOT, timeout: 300_000 });
}, 300_000);

it('the bin prints its commands, and refuses an unknown one with exit 2', async () => {
  const help = await execa(process.execPath, [BIN, '--help']);
  for (const command of ['run', 'list', 'doctor', 'decode', 'clean', 'compare', 'setup']) {
    expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  }
  const bad = await execa(process.execPath, [BIN, 'frobnicate'], { reject: false });
  expect(bad.exitCode).toBe(2);
  expect(bad.stderr).toMatch(/unknown command "frobnicate"/);
});

it('natlab list through the bin: the catalog, loaded by plain node (no tsx in the parent)', async () => {
  const list = await execa(process.execPath, [BIN, 'list']);
  expect(list.stdout).toMatch(/^hairpin-broken +Port forward without hairpin SNAT/m);
});

it('natlab list to a reader that has gone (natlab list | head -1): exit 0, no stack', async () => {
  const list = execa(process.execPath, [BIN, 'list'], { reject: false, timeout: 60_000 });
  // Closed before natlab writes a byte: every write it makes meets EPIPE.
  list.stdout?.destroy();
  const { exitCode, stderr } = await list;
  expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
});

describeLab('signals under npm run and through the bin', () => {
  it('natlab run --json through the bin: stdout is the JSON document alone', async () => {
    const run = await execa(process.execPath, [BIN, 'run', 'hairpin-broken', '--json'], {
      reject: false,
      timeout: 120_000,
    });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ scenario: 'hairpin-broken', verdict: 'pass' });
  });

  it('SIGTERM to npm reaches node, which tears the lab down; nothing is left', async () => {
    const { npm, node, others, runId } = await npmRunUntilBuilt();
    // `exec` in the script: node is npm's only child, no shell between them.
    expect(others).toEqual([]);
    expect(await readFile(`/proc/${node}/cmdline`, 'utf8')).toMatch(/dist\/cli\/main\.js/);
    expect(await namespacesOf(runId)).not.toEqual([]);
    npm.kill('SIGTERM');
    const result = await npm;
    expect(await gone(node, 35_000)).toBe(true);
    expect(String(result.stderr)).toMatch(/interrupted; everything this run created was removed/);
    expect(await namespacesOf(runId)).toEqual([]);
    expect(await processesMentioning(runId)).toEqual([]);
  });

  it('SIGKILL to npm: node notices its parent is gone and tears the lab down', async () => {
    const { npm, node, runId } = await npmRunUntilBuilt();
    npm.kill('SIGKILL');
    await npm;
    expect(await gone(node, 35_000)).toBe(true);
    expect(await namespacesOf(runId)).toEqual([]);
    expect(await processesMentioning(runId)).toEqual([]);
  });
});
