// Whether the kernel complained during a run: its taint flags, and WARNING, BUG or other splats in
// its log after the run began. Read-only, from /proc and /dev/kmsg; nothing in any namespace changes.

import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';

export interface KernelHealthMark {
  taint: number | undefined;
  /** The sequence number of the last kernel log record before the run; undefined: log unreadable. */
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

export async function markKernelHealth(): Promise<KernelHealthMark> {
  const log = await readKernelLog();
  return {
    taint: await readTaint(),
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
  if (mark.lastSeq === undefined) problems.push(`kernel log not read: ${mark.logProblem}`);
  else {
    const log = await readKernelLog();
    if ('problem' in log) problems.push(`kernel log not read: ${log.problem}`);
    else splats = findSplats(log.records.filter((r) => r.seq > (mark.lastSeq ?? 0)));
  }
  return {
    ...(mark.taint === undefined ? {} : { taintBefore: mark.taint }),
    ...(taintAfter === undefined ? {} : { taintAfter }),
    splats,
    problems,
  };
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

/** Every record in the ring, read without blocking: each read() returns one record, EAGAIN the end. */
async function readKernelLog(): Promise<{ records: KmsgRecord[] } | { problem: string }> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { problem: `/dev/kmsg: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  const records: KmsgRecord[] = [];
  const buffer = Buffer.alloc(16_384);
  try {
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
  } finally {
    await handle.close();
  }
  return { records };
}
