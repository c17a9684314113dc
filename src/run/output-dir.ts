// Where a run's files go. A path the user named (--out, --junit) is checked before anything is
// built; without --out a run gets /tmp/natlab-NAME-XXXXXX, and only the newest KEPT_RUN_DIRS of
// those are kept (like pytest's basetemp), so runs never fill /tmp.

import { constants } from 'node:fs';
import {
  access,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  statfs,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { NatlabError } from '../errors.ts';

/** Temporary run directories kept; older ones (of runs no longer alive) go when a new one is made. */
export const KEPT_RUN_DIRS = 10;

/** Inside every directory natlab made for a run: the pid that made it. Nothing else is pruned. */
const MARKER = '.natlab-run';

// Pseudo-filesystems where a directory of pcaps cannot live (and /proc makes mkdir -p spin).
const PSEUDO_FS = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
]);

function bad(option: string, path: string, why: string): NatlabError {
  return new NatlabError(`${option} ${JSON.stringify(path)}: ${why}`, {
    code: 'BAD_INPUT',
    stage: 'cli',
  });
}

/** Makes the --out directory (and its parents), or says why it cannot be one. */
export async function prepareOutDir(path: string, base = '.', option = '--out'): Promise<string> {
  // Checked before resolving: '' would resolve to the caller's own directory.
  if (path.trim() === '') throw bad(option, path, 'is empty; name a directory');
  const dir = resolve(base, path);
  const existing = await nearestExisting(dir);
  const fs = PSEUDO_FS.get((await statfs(existing)).type);
  if (fs) throw bad(option, path, `${existing} is on ${fs}, a kernel pseudo-filesystem`);
  const info = await stat(existing);
  if (!info.isDirectory()) {
    const what = info.isFile() ? 'a file' : 'not a directory (a device, FIFO or socket)';
    throw bad(option, path, `${existing} is ${what}`);
  }
  await mkdir(dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw bad(option, path, `cannot be made: ${error.code ?? error.message}`);
  });
  await assertWritable(dir, option, path);
  return dir;
}

/** Checks that FILE can be written later (--junit): not a directory, its directory writable. */
export async function checkOutputFile(path: string, base: string, option: string): Promise<string> {
  if (path.trim() === '') throw bad(option, path, 'is empty; name a file');
  const file = resolve(base, path);
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) throw bad(option, path, 'is a directory; name a file in it');
  if (info && !info.isFile()) {
    throw bad(option, path, 'is not a regular file (a device, FIFO or socket)');
  }
  const parent = dirname(file);
  const parentInfo = await stat(parent).catch(() => undefined);
  if (!parentInfo?.isDirectory()) throw bad(option, path, `${parent} is not a directory`);
  await assertWritable(parent, option, path);
  if (info) {
    await access(file, constants.W_OK).catch((error: NodeJS.ErrnoException) => {
      throw bad(option, path, `cannot be written: ${error.code ?? error.message}`);
    });
  }
  return file;
}

/** A fresh temporary directory for a run without --out; prunes old ones of runs now dead. */
export async function makeRunDir(name: string): Promise<string> {
  await pruneRunDirs(KEPT_RUN_DIRS - 1);
  const dir = await mkdtemp(join(tmpdir(), `natlab-${name}-`));
  await writeFile(join(dir, MARKER), `${process.pid}\n`);
  return dir;
}

/** Removes run directories beyond the newest `keep`, skipping any whose run is still alive. */
export async function pruneRunDirs(keep: number, root = tmpdir()): Promise<string[]> {
  const names = (await readdir(root).catch(() => [])).filter((n) => n.startsWith('natlab-'));
  const dirs: { dir: string; pid: number; mtimeMs: number }[] = [];
  for (const name of names) {
    const dir = join(root, name);
    const pid = Number.parseInt(await readFile(join(dir, MARKER), 'utf8').catch(() => ''), 10);
    if (!Number.isInteger(pid)) continue;
    const info = await stat(dir).catch(() => undefined);
    if (info) dirs.push({ dir, pid, mtimeMs: info.mtimeMs });
  }
  dirs.sort((a, b) => b.mtimeMs - a.mtimeMs);
  const removed: string[] = [];
  for (const { dir, pid } of dirs.slice(keep)) {
    if (isAlive(pid)) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function nearestExisting(path: string): Promise<string> {
  // Each step drops one component, so this ends at / at the latest.
  for (let p = path; ; p = dirname(p)) {
    if (
      await stat(p).then(
        () => true,
        () => false,
      )
    )
      return p;
    if (p === dirname(p)) return p;
  }
}

/** Root passes every permission check, so only a real write tells (a read-only mount, ...). */
async function assertWritable(dir: string, option: string, path: string): Promise<void> {
  const probe = join(dir, `.natlab-write-test-${process.pid}`);
  try {
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    throw bad(
      option,
      path,
      `cannot be written: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}
