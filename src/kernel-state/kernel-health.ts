// Whether the kernel complained during a run: its taint flags, and WARNING, BUG or other splats in
// its log after the run began. Read-only, from /proc and /dev/kmsg; nothing in any namespace changes.

import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { PYTHON } from '../system/python.ts';
import type { TeardownStack } from '../system/teardown-stack.ts';

export interface KernelHealthMark {
  taint: number | undefined;
  /** /dev/kmsg opened and moved past its last record: what it reads next is the run's. */
  log?: FileHandle;
  /** Without that: the sequence number of the last record before the run; undefined: unreadable. */
  lastSeq: number | undefined;
  /** Why the log could not be read (dmesg_restrict, no /dev/kmsg in a container...). */
  logProblem?: string;
}

export interface KernelHealth {
  taintBefore?: number;
  taintAfter?: number;
  /** Kernel log lines from during the run that show a WARNING, BUG, oops or other splat. */
  splats: string[];
  /** Why taint or the kernel log could not be read; then only what could be read is judged. */
  problems: string[];
}

/** A bound on the records read: a kernel log ring holds far fewer. */
const MAX_RECORDS = 100_000;
const SPLAT =
  /\b(WARNING:|BUG:|Oops|general protection fault|kernel BUG|Call Trace:|UBSAN:|KASAN:|KFENCE:|rcu_\w+ (self-)?detected stall|list_(add|del) corruption|refcount_t: |INFO: task .* blocked)/;

/** The mark a run is judged from; its open log is closed by `teardown` whatever happens. */
export async function markKernelHealth({
  teardown,
}: {
  teardown: TeardownStack;
}): Promise<KernelHealthMark> {
  const taint = await readTaint();
  const handle = await openKernelLog();
  if ('problem' in handle) return { taint, lastSeq: undefined, logProblem: handle.problem };
  teardown.push('close /dev/kmsg', () => handle.close());
  if (await seekToEnd(handle)) return { taint, log: handle, lastSeq: undefined };
  // Without a way to seek, the whole ring is read anew to find its last record (slower: a record a
  // read); never through that handle, which a failed child may have left blocking.
  const log = await readWholeLog();
  return {
    taint,
    lastSeq: 'problem' in log ? undefined : (log.records.at(-1)?.seq ?? 0),
    ...('problem' in log ? { logProblem: log.problem } : {}),
  };
}

export async function kernelHealthSince(mark: KernelHealthMark): Promise<KernelHealth> {
  const taintAfter = await readTaint();
  const problems: string[] = [];
  if (mark.taint === undefined || taintAfter === undefined)
    problems.push('/proc/sys/kernel/tainted could not be read');
  let splats: string[] = [];
  const log = await kernelLogSince(mark);
  if ('problem' in log) problems.push(`kernel log not read: ${log.problem}`);
  else splats = findSplats(log.records);
  return {
    ...(mark.taint === undefined ? {} : { taintBefore: mark.taint }),
    ...(taintAfter === undefined ? {} : { taintAfter }),
    splats,
    problems,
  };
}

export type LogRead = { records: KmsgRecord[] } | { problem: string };

/** The kernel log records written since the mark (what the mark's handle reads next). */
export async function kernelLogSince(mark: KernelHealthMark): Promise<LogRead> {
  if (mark.log) return readRecords(mark.log);
  if (mark.lastSeq === undefined) return { problem: mark.logProblem ?? 'not marked' };
  const log = await readWholeLog();
  return 'problem' in log
    ? log
    : { records: log.records.filter((r) => r.seq > (mark.lastSeq ?? -1)) };
}

export interface KmsgRecord {
  seq: number;
  text: string;
}

/** The records that open a splat, as "[seconds] message". */
export function findSplats(records: readonly KmsgRecord[]): string[] {
  return records.filter((r) => SPLAT.test(r.text)).map((r) => r.text);
}

/** One /dev/kmsg record, "prio,seq,usec,flags[,...];message" (continuation lines dropped). */
export function parseKmsgRecord(record: string): KmsgRecord | undefined {
  const m = /^\d+,(\d+),(\d+),[^;]*;([^\n]*)/.exec(record);
  if (!m) return undefined;
  const seconds = (Number(m[2]) / 1e6).toFixed(6);
  return { seq: Number(m[1]), text: `[${seconds}] ${m[3]}` };
}

async function readTaint(): Promise<number | undefined> {
  try {
    const value = Number((await readFile('/proc/sys/kernel/tainted', 'utf8')).trim());
    return Number.isInteger(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Every record in the ring, through a handle of its own. */
async function readWholeLog(): Promise<LogRead> {
  const handle = await openKernelLog();
  if ('problem' in handle) return handle;
  try {
    return await readRecords(handle);
  } finally {
    await handle.close();
  }
}

async function openKernelLog(): Promise<FileHandle | { problem: string }> {
  try {
    return await open('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { problem: `/dev/kmsg: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
}

/**
 * /dev/kmsg seeks to its end (SEEK_END), which node cannot ask for: a child given the same open
 * file as its stdin does it for us, since both share the file's position and flags. It sets the
 * file non-blocking again, as the child's start made it blocking. False when that fails.
 */
function seekToEnd(handle: FileHandle): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn(
      PYTHON,
      ['-S', '-c', 'import os; os.lseek(0, 0, os.SEEK_END); os.set_blocking(0, False)'],
      {
        stdio: [handle.fd, 'ignore', 'ignore'],
        timeout: 5_000,
        killSignal: 'SIGKILL',
      },
    );
    child.once('error', () => done(false));
    child.once('close', (code) => done(code === 0));
  });
}

/** The records from where the handle stands, read without blocking: one a read(), EAGAIN the end. */
async function readRecords(handle: FileHandle): Promise<LogRead> {
  const records: KmsgRecord[] = [];
  const buffer = Buffer.alloc(16_384);
  for (let i = 0; i < MAX_RECORDS; i++) {
    let bytes: number;
    try {
      ({ bytesRead: bytes } = await handle.read(buffer, 0, buffer.length, null));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') break;
      if (code === 'EPIPE') continue; // records overwritten while reading: the next one follows
      return { problem: `/dev/kmsg: ${code ?? String(error)}` };
    }
    if (bytes === 0) break;
    const record = parseKmsgRecord(buffer.toString('utf8', 0, bytes));
    if (record) records.push(record);
  }
  return { records };
}
