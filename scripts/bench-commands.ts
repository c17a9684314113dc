// The commands the bench times as a user types them, and how two of them are compared: interleaved
// (A B A B …) in one run, so the machine's load falls on both alike, judged by the median of the
// pairwise ratios.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';

export const ROOT = resolve(import.meta.dirname, '..');

/**
 * natlab's whole command, the one place to change what is under test. `args` in the bin's syntax
 * (`run NAME …`, `decode --flows FILE`, `--help`): through the package's `natlab` bin (node on its
 * file, as its shebang does) when package.json declares one, otherwise the npm script of before.
 */
export function natlabCommand(args: readonly string[]): { argv: string[]; label: string } {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.natlab;
  if (bin) {
    return {
      argv: [process.execPath, resolve(ROOT, bin), ...args],
      label: `natlab ${args.join(' ')}`,
    };
  }
  const [first, ...rest] = args;
  const script = first === 'decode' ? 'decode' : 'scenario';
  const scriptArgs = first === 'decode' || first === 'run' ? rest : args;
  return {
    argv: npmScript(script, scriptArgs),
    label: `npm run ${script} -- ${scriptArgs.join(' ')}`,
  };
}

/** An npm script by name, as `npm run NAME -- ARGS`. */
export function npmScript(name: string, args: readonly string[]): string[] {
  return ['npm', 'run', '--silent', name, '--', ...args];
}

export interface Timed {
  seconds: number;
  /** CPU time of the whole command, every process it waited for included. */
  cpuSeconds: number;
  stdout: string;
  exitCode: number;
}

/** Wall time of one whole command, from spawn to exit; bounded. */
export async function wallTime(
  argv: readonly string[],
  { timeoutMs = 120_000, expectExit = 0 }: { timeoutMs?: number; expectExit?: number } = {},
): Promise<Timed> {
  const [file, ...args] = argv;
  if (!file) throw new Error('wallTime needs a command');
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const run = await execa(file, args, { cwd: ROOT, timeout: timeoutMs, reject: false });
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = (childrenCpuMs() - cpu0) / 1000;
  if (run.exitCode !== expectExit) {
    throw new Error(
      `${argv.join(' ')}: exit ${run.exitCode ?? run.signal}, expected ${expectExit}\n${String(run.stderr).slice(-2000)}`,
    );
  }
  return { seconds, cpuSeconds, stdout: String(run.stdout), exitCode: run.exitCode };
}

/**
 * CPU time (ms) of this process's reaped children and what they waited for: on a shared machine,
 * steadier than wall time, which also counts waiting for a core.
 */
export function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  // cutime and cstime, in clock ticks (100 per second).
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface Interleaved<A, B> {
  a: A[];
  b: B[];
  /** ratio(a[i], b[i]) for each pair. */
  ratios: number[];
  medianRatio: number;
}

/**
 * A B A B …: one untimed run of each first (a stale dist/ rebuilt, caches warm), then `pairs` runs of
 * each, alternating, and the median of the pairwise ratios. Run i of each gets index i; the warm-up -1.
 */
export async function interleaved<A, B>(
  pairs: number,
  runA: (i: number) => Promise<A>,
  runB: (i: number) => Promise<B>,
  ratio: (a: A, b: B) => number,
): Promise<Interleaved<A, B>> {
  await runA(-1);
  await runB(-1);
  const a: A[] = [];
  const b: B[] = [];
  for (let i = 0; i < pairs; i++) {
    a.push(await runA(i));
    b.push(await runB(i));
  }
  const ratios = a.map((x, i) => ratio(x, b[i] as B));
  return { a, b, ratios, medianRatio: median(ratios) };
}

export const s = (t: number) => (Number.isNaN(t) ? '-' : `${t.toFixed(2)} s`);
export const x = (r: number) => (Number.isNaN(r) ? '-' : `${r.toFixed(2)}×`);
