// The filesystem is the registry: /run/natlab/<run-id>/manifest.json is written before anything exists.

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LEDGER_DIR = process.env.NATLAB_LEDGER_DIR ?? '/run/natlab';

export interface RunManifest {
  runId: string;
  scenario: string;
  /** The natlab process that owns the run, and its start time so a reused pid is not mistaken for it. */
  pid: number;
  pidStartTime: string;
  createdAt: string;
  namespaces: string[];
  /** A --keep lab outlives its process on purpose; only `npm run clean` removes it. */
  kept: boolean;
}

export async function writeManifest(manifest: RunManifest): Promise<void> {
  const dir = join(LEDGER_DIR, manifest.runId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function removeManifest(runId: string): Promise<void> {
  await rm(join(LEDGER_DIR, runId), { recursive: true, force: true });
}

export async function readManifests(): Promise<RunManifest[]> {
  const entries = await readdir(LEDGER_DIR).catch(() => [] as string[]);
  const manifests: RunManifest[] = [];
  for (const entry of entries) {
    const text = await readFile(join(LEDGER_DIR, entry, 'manifest.json'), 'utf8').catch(() => '');
    try {
      manifests.push(JSON.parse(text) as RunManifest);
    } catch {
      // A manifest cut short by a crash: its directory name is still the run id.
      manifests.push({
        runId: entry,
        scenario: '?',
        pid: 0,
        pidStartTime: '',
        createdAt: '',
        namespaces: [],
        kept: false,
      });
    }
  }
  return manifests;
}

/** Field 22 of /proc/PID/stat: start time in clock ticks since boot. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  const afterComm = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return afterComm[19];
}

export async function isOwnerAlive(manifest: RunManifest): Promise<boolean> {
  if (manifest.pid <= 0) return false;
  return (await processStartTime(manifest.pid)) === manifest.pidStartTime;
}
