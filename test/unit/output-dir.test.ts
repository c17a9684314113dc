// Output directories: temporary run directories are pruned to the newest few of dead runs, and
// a --out natlab cannot write is refused before anything runs, also for a user root cannot be.

import { chmod, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRunDir, prepareOutDir, pruneRunDirs } from '../../src/run/output-dir.ts';
import { AS_NOBODY, NATLAB_CLI } from '../support/lab.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'output-dir-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A run directory as makeRunDir leaves it, made by `pid`, last written `ageS` seconds ago. */
async function runDir(name: string, pid: number, ageS: number): Promise<void> {
  const dir = join(root, `natlab-${name}`);
  await mkdir(dir);
  await writeFile(join(dir, '.natlab-run'), `${pid}\n`);
  const when = Date.now() / 1000 - ageS;
  await utimes(dir, when, when);
}

describe('temporary run directories', () => {
  it('keeps the newest, and any whose run is alive or that natlab did not make', async () => {
    // A pid far above pid_max is never alive.
    const dead = 2 ** 30;
    for (let i = 0; i < 5; i++) await runDir(`old-${i}`, dead, 100 + i);
    await runDir('alive', process.pid, 1000);
    await mkdir(join(root, 'natlab-not-a-run'));
    const removed = await pruneRunDirs(2, root);
    expect(removed.map((d) => d.slice(root.length + 1)).sort()).toEqual([
      'natlab-old-2',
      'natlab-old-3',
      'natlab-old-4',
    ]);
    expect((await readdir(root)).sort()).toEqual([
      'natlab-alive',
      'natlab-not-a-run',
      'natlab-old-0',
      'natlab-old-1',
    ]);
  });

  it('makes a marked directory under /tmp', async () => {
    const dir = await makeRunDir('unit-test');
    expect(dir).toMatch(new RegExp(`^${tmpdir()}/natlab-unit-test-`));
    expect(await readdir(dir)).toEqual(['.natlab-run']);
    await rm(dir, { recursive: true });
  });
});

describe('--out', () => {
  it('is made with its parents, relative to the given base', async () => {
    const dir = await prepareOutDir('a/b/c', root);
    expect(dir).toBe(resolve(root, 'a/b/c'));
    expect(await readdir(dir)).toEqual([]);
  });

  it.runIf(process.getuid?.() === 0)(
    'in a directory the user may not write: exit 2 before anything runs',
    async () => {
      const locked = join(root, 'locked');
      await mkdir(locked);
      await chmod(locked, 0o555);
      // mkdtemp made root 0700; the user must reach `locked` to be refused by it.
      await chmod(root, 0o755);
      const [setpriv, ...asNobody] = AS_NOBODY;
      const cli = await execa(
        setpriv,
        [...asNobody, ...NATLAB_CLI, 'hairpin-broken', '--out', join(locked, 'out')],
        { reject: false, timeout: 60_000 },
      );
      expect(cli.exitCode).toBe(2);
      expect(cli.stderr).toMatch(/--out ".*locked\/out": cannot be made: EACCES/);
    },
  );
});
