// The filesystem is the registry: /run/natlab/<run-id>/manifest.json exists before anything of the
// run does. A run directory appears whole (written aside, then renamed into place), so no reader ever
// sees a live run without its manifest; a cleaner claims a dead run by renaming it, so two cleans never
// work on the same run.

import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LEDGER_DIR = process.env.NATLAB_LEDGER_DIR ?? '/run/natlab';

/** Entries being written or being cleaned start with a dot; readers skip them. */
const WRITING = '.writing-';
const CLAIMED = '.cleaning-';

const RUN_ID = /^[a-z0-9]{1,32}$/;
const NAMESPACE_NODE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export interface RunManifest {
  runId: string;
  scenario: string;
  /** The natlab process that owns the run, and its start time so a reused pid is not mistaken for it. */
  pid: number;
  pidStartTime: string;
  createdAt: string;
  namespaces: string[];
  /** A --keep lab outlives its process on purpose; only `natlab clean` removes it. */
  kept: boolean;
}

export type ManifestFields = Pick<RunManifest, 'runId' | 'scenario' | 'namespaces' | 'kept'>;

/** Records a run owned by this process, before any of its resources exist. */
export async function writeManifest(fields: ManifestFields): Promise<void> {
  const manifest: RunManifest = {
    ...fields,
    pid: process.pid,
    pidStartTime: (await processStartTime(process.pid)) ?? '',
    createdAt: new Date().toISOString(),
  };
  const problem = manifestProblem(manifest);
  if (problem) throw new Error(`refusing to record run ${fields.runId}: ${problem}`);
  await mkdir(LEDGER_DIR, { recursive: true, mode: 0o700 });
  const aside = join(LEDGER_DIR, `${WRITING}${manifest.runId}-${process.pid}`);
  await rm(aside, { recursive: true, force: true });
  await mkdir(aside, { mode: 0o700 });
  await writeFile(join(aside, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(aside, join(LEDGER_DIR, manifest.runId));
}

export async function removeManifest(runId: string): Promise<void> {
  if (!RUN_ID.test(runId)) return;
  await rm(join(LEDGER_DIR, runId), { recursive: true, force: true });
}

/** Why a manifest read back must not steer any deletion, or undefined when it is sound. */
export function manifestProblem(m: Partial<RunManifest>): string | undefined {
  if (typeof m.runId !== 'string' || !RUN_ID.test(m.runId)) return `bad run id ${String(m.runId)}`;
  if (!Number.isInteger(m.pid) || (m.pid ?? 0) < 0) return `bad pid ${String(m.pid)}`;
  if (!Array.isArray(m.namespaces)) return 'no namespace list';
  const prefix = `nl-${m.runId}-`;
  for (const ns of m.namespaces) {
    const ok =
      typeof ns === 'string' &&
      ns.length <= 255 &&
      ns.startsWith(prefix) &&
      NAMESPACE_NODE.test(ns.slice(prefix.length)) &&
      !ns.includes('..');
    if (!ok) return `namespace name ${JSON.stringify(ns)} is not one of this run's (${prefix}*)`;
  }
  return undefined;
}

export type LedgerEntry =
  | { kind: 'run'; manifest: RunManifest }
  /** A manifest that does not parse or fails manifestProblem: reported, never acted on. */
  | { kind: 'invalid'; runId: string; problem: string };

/** Every recorded run; entries being written or cleaned are not runs yet, or no longer. */
export async function readLedger(): Promise<LedgerEntry[]> {
  const names = await readdir(LEDGER_DIR).catch(() => [] as string[]);
  const entries: LedgerEntry[] = [];
  for (const runId of names.filter((n) => !n.startsWith('.'))) {
    const text = await readFile(join(LEDGER_DIR, runId, 'manifest.json'), 'utf8').catch(
      () => undefined,
    );
    // Removed by its owner or another cleaner since the listing.
    if (text === undefined) continue;
    let parsed: Partial<RunManifest>;
    try {
      parsed = JSON.parse(text) as Partial<RunManifest>;
    } catch {
      entries.push({ kind: 'invalid', runId, problem: 'manifest is not JSON' });
      continue;
    }
    const problem =
      manifestProblem(parsed) ?? (parsed.runId === runId ? undefined : 'run id ≠ directory');
    entries.push(
      problem
        ? { kind: 'invalid', runId, problem }
        : { kind: 'run', manifest: parsed as RunManifest },
    );
  }
  return entries;
}

/**
 * Takes a dead run for cleaning: renames its entry aside under this process's name. Only one
 * cleaner's rename can succeed; the others get undefined and leave the run alone.
 */
export async function claimRun(runId: string): Promise<(() => Promise<void>) | undefined> {
  const claimed = join(LEDGER_DIR, `${CLAIMED}${runId}-${process.pid}`);
  try {
    await rename(join(LEDGER_DIR, runId), claimed);
  } catch {
    return undefined;
  }
  return () => rm(claimed, { recursive: true, force: true });
}

/**
 * Dot-entries whose writer or cleaner died: a writer's holds no resources yet (it is renamed into
 * place before anything is made), and a cleaner's run is put back so the next clean redoes it.
 */
export async function recoverAbandoned(): Promise<void> {
  const names = await readdir(LEDGER_DIR).catch(() => [] as string[]);
  for (const name of names) {
    const match = /^\.(writing|cleaning)-([a-z0-9]+)-(\d+)$/.exec(name);
    if (!match) continue;
    const [, kind, runId = '', pid = '0'] = match;
    if ((await processStartTime(Number(pid))) !== undefined) continue;
    const path = join(LEDGER_DIR, name);
    if (kind === 'writing') await rm(path, { recursive: true, force: true });
    else await rename(path, join(LEDGER_DIR, runId)).catch(() => undefined);
  }
}

/** Field 22 of /proc/PID/stat: start time in clock ticks since boot. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  const afterComm = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return afterComm[19];
}

export async function isOwnerAlive(manifest: RunManifest): Promise<boolean> {
  if (manifest.pid <= 0) return false;
  return (await processStartTime(manifest.pid)) === manifest.pidStartTime;
}
