// One qemu run, bounded: it must reach the guest's init within bootTimeoutMs and power off within
// timeoutMs, or it is killed. Reads the serial console as it comes, and explains a death from it.

import { createWriteStream, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { NatlabError } from '../errors.ts';
import { type QemuOptions, qemuArgv } from './qemu-argv.ts';

export interface BootOptions {
  qemu: QemuOptions;
  label: string;
  bootTimeoutMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Every console line, as it arrives. */
  onLine?: (line: string) => void;
  /** Where the whole console is written as it comes, whatever the outcome. */
  consoleFile?: string;
}

export interface GuestExit {
  console: string[];
  /** From qemu's start to the guest's init printing "booted". */
  bootMs: number;
  totalMs: number;
  /** qemu's CPU time (user + system) up to its last console line: the guest's work, whatever the load. */
  cpuMs: number;
  /** The same, up to "booted". */
  bootCpuMs: number;
}

const TAIL_LINES = 25;

/** The console lines that explain a guest's end, for an error message. */
export function consoleTail(lines: readonly string[]): string {
  return lines.slice(-TAIL_LINES).join('\n');
}
const BOOTED = /^natlab-guest: booted/;
const FAILED = /^natlab-guest: failed: (.*)/;
const PANIC = /Kernel panic - not syncing: (.*)/;

export async function bootGuest({
  qemu,
  label,
  bootTimeoutMs,
  timeoutMs,
  signal,
  onLine,
  consoleFile,
}: BootOptions): Promise<GuestExit> {
  const argv = qemuArgv(qemu);
  const [file = '', ...args] = argv;
  const started = performance.now();
  const lines: string[] = [];
  let bootMs: number | undefined;
  let cpuMs = 0;
  let bootCpuMs = 0;
  let stopped: 'boot-timeout' | 'timeout' | 'aborted' | undefined;
  const child = execa(file, args, {
    stdin: 'ignore',
    buffer: { stdout: false, stderr: true },
    reject: false,
    forceKillAfterDelay: 2000,
  });
  const kill = (why: typeof stopped) => {
    stopped ??= why;
    child.kill('SIGTERM');
  };
  const log = consoleFile ? createWriteStream(consoleFile) : undefined;
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    log?.write(chunk);
    const text = partial + chunk.toString().replaceAll('\r', '');
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      cpuMs = qemuCpuMs(child.pid) ?? cpuMs;
      if (bootMs === undefined && BOOTED.test(line)) {
        bootMs = Math.round(performance.now() - started);
        bootCpuMs = cpuMs;
      }
      onLine?.(line);
    }
  });
  const bootTimer = setTimeout(() => bootMs === undefined && kill('boot-timeout'), bootTimeoutMs);
  const timer = setTimeout(() => kill('timeout'), timeoutMs);
  const onAbort = () => kill('aborted');
  signal?.addEventListener('abort', onAbort, { once: true });
  const result = await child;
  clearTimeout(bootTimer);
  clearTimeout(timer);
  signal?.removeEventListener('abort', onAbort);
  if (partial) lines.push(partial);
  if (log) await new Promise((done) => log.end(done));

  const totalMs = Math.round(performance.now() - started);
  const fail = (message: string, code: 'COMMAND_FAILED' | 'TIMEOUT' | 'INTERRUPTED') =>
    new NatlabError(`guest ${label} (qemu ${qemu.accel}): ${message}`, {
      code,
      stage: 'vm',
      command: argv,
      stderr: result.stderr?.toString(),
      console: consoleTail(lines),
    });
  if (stopped === 'aborted') throw fail('interrupted', 'INTERRUPTED');
  if (stopped === 'boot-timeout') {
    throw fail(`its init did not start within ${bootTimeoutMs / 1000} s; killed`, 'TIMEOUT');
  }
  if (stopped === 'timeout') {
    throw fail(`did not power off within ${timeoutMs / 1000} s (hung?); killed`, 'TIMEOUT');
  }
  const panic = lines.map((l) => PANIC.exec(l)?.[1]).find(Boolean);
  if (panic) throw fail(`kernel panic: ${panic}`, 'COMMAND_FAILED');
  const failed = lines.map((l) => FAILED.exec(l)?.[1]).find(Boolean);
  if (failed) throw fail(`its init failed to ${failed}`, 'COMMAND_FAILED');
  if (result.exitCode !== 0) {
    throw fail(`qemu exited with ${result.exitCode ?? result.signal}`, 'COMMAND_FAILED');
  }
  if (bootMs === undefined) throw fail('qemu exited before the guest booted', 'COMMAND_FAILED');
  return { console: lines, bootMs, totalMs, cpuMs, bootCpuMs };
}

/** utime + stime from /proc/PID/stat, in clock ticks of 10 ms (USER_HZ is 100 on Linux). */
function qemuCpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10 || undefined;
  } catch {
    return undefined;
  }
}
