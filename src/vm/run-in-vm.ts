// Scenarios on one guest kernel, in one boot: prepare the kernel, build the initramfs, choose KVM
// or TCG, boot, and bring each scenario's result and pcaps back. Everything temporary lives in one directory
// that is removed whatever happens; the guest's mounts end with the guest.

import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatlabError } from '../errors.ts';
import type { ErrorResult } from '../report/error-result.ts';
import type { ScenarioResult } from '../report/scenario-result.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { bootGuest, consoleTail } from './boot-guest.ts';
import { buildInitramfs, staticBusybox } from './build-initramfs.ts';
import { chooseAccel } from './choose-accel.ts';
import { guestEntry } from './guest-entry.ts';
import { type GuestJob, JOB_FILE, modulesFor, runFiles } from './guest-job.ts';
import type { KernelSpec } from './kernel-spec.ts';
import { prepareKernel } from './prepare-kernel.ts';
import { type Accel, guestCommandLine } from './qemu-argv.ts';
import { bootImage } from './unpack-kernel.ts';

export interface VmRunOptions {
  scenarios: readonly LoadedScenario[];
  spec: Exclude<KernelSpec, { kind: 'host' }>;
  /** Per scenario: where its pcaps, result.json and report.html end up. */
  outDirs: readonly string[];
  /** The guest's whole serial console, kept whatever happens. */
  consoleFile: string;
  timeoutMs: number;
  /** Extra kernel command line words (--kernel-append). */
  append: readonly string[];
  signal?: AbortSignal;
  /** Progress lines: natlab's own, and the guest's console without kernel messages. */
  say: (line: string) => void;
}

export interface VmRun {
  release: string;
  accel: Accel;
  accelReason: string;
  /** Per scenario, in order. */
  results: (ScenarioResult | ErrorResult)[];
  costs: VmCosts;
}

export interface VmCosts {
  /** Download and unpack; 0 when the kernel was cached. */
  fetchMs: number;
  fetchedBytes: number;
  initramfsMs: number;
  initramfsBytes: number;
  /** Unpacking the kernel for a direct (PVH) boot; 0 when it was cached. */
  unpackKernelMs: number;
  /** The KVM probe boot; 0 when its answer was cached. */
  accelProbeMs: number;
  /** qemu start to the guest's init. */
  bootMs: number;
  /** qemu start to power-off. */
  guestMs: number;
  /** qemu's CPU time to the guest's init, and to its end: what the guest cost, whatever the load. */
  bootCpuMs: number;
  guestCpuMs: number;
  /** The scenarios' own durations inside the guest, summed. */
  scenarioMs: number;
}

const KERNEL_LOG = /^\[\s*\d+\.\d+\]/;
const MEMORY_MB = 2048;
const BOOT_TIMEOUT_MS = 120_000;
const TCG_SLOWDOWN = 10;
/** The guest runs this very checkout, seen through the host's root. */
const PROJECT_DIR = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export async function runInVm(options: VmRunOptions): Promise<VmRun> {
  const { scenarios, spec, outDirs, consoleFile, timeoutMs, append, signal, say } = options;
  const time = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const value = await work();
    return [value, Math.round(performance.now() - t0)];
  };
  const [kernel, fetchMs] = await time(() => prepareKernel(spec, { signal, say }));
  const work = await mkdtemp(join(tmpdir(), 'natlab-vm-'));
  try {
    const shared = join(work, 'shared');
    await mkdir(shared);
    const entry = await guestEntry();
    if (entry.endsWith('.ts')) {
      say(
        'dist/ is missing or older than src/: the guest loads natlab through tsx (npm run build)',
      );
    }
    for (const path of [shared, process.execPath, PROJECT_DIR, entry]) assertPlainPath(path);
    const busybox = await staticBusybox();
    const [initramfs, initramfsMs] = await time(() =>
      buildInitramfs(kernel, busybox, join(work, 'initramfs.cpio.gz')),
    );
    const [boot, unpackMs] = await time(() => bootImage(kernel.image, signal));
    if (boot.fallback) say(`booting the bzImage as it is (slower under TCG): ${boot.fallback}`);
    const machine = {
      image: boot.file,
      initramfs: initramfs.file,
      memoryMb: MEMORY_MB,
      cpus: Math.min(2, availableParallelism()),
    };
    const [accel, accelMs] = await time(() => chooseAccel(machine, signal));
    say(`booting ${kernel.label} (${kernel.release}) under qemu ${accel.accel}: ${accel.reason}`);
    const job: GuestJob = {
      scenarios: scenarios.map(({ name, file, def }) => ({ name, file, def })),
      modules: modulesFor(scenarios.flatMap((s) => s.def.needs ?? [])),
      // A tcpdump that starts in 0.1 s on the host takes seconds under TCG on a busy machine.
      slowdown: accel.accel === 'tcg' ? TCG_SLOWDOWN : 1,
    };
    await writeFile(join(shared, JOB_FILE), JSON.stringify(job));
    const guest = await bootGuest({
      qemu: {
        ...machine,
        accel: accel.accel,
        append: guestCommandLine(
          { shared, project: PROJECT_DIR, node: process.execPath, entry },
          append,
        ),
        shares: [
          { tag: 'natlab-root', path: '/', readonly: true },
          { tag: 'natlab-modules', path: kernel.modulesDir, readonly: true },
          { tag: 'natlab-shared', path: shared, readonly: false },
        ],
      },
      label: kernel.label,
      bootTimeoutMs: BOOT_TIMEOUT_MS,
      timeoutMs,
      signal,
      consoleFile,
      onLine: (line) => {
        if (line.trim() && !KERNEL_LOG.test(line)) say(line);
      },
    });
    const results: (ScenarioResult | ErrorResult)[] = [];
    for (const [i, outDir] of outDirs.entries()) {
      results.push(await collect(runFiles(shared, i), outDir, guest.console, kernel.label));
    }
    return {
      release: kernel.release,
      accel: accel.accel,
      accelReason: accel.reason,
      results,
      costs: {
        fetchMs: kernel.fetched ? fetchMs : 0,
        fetchedBytes: kernel.fetched?.bytes ?? 0,
        initramfsMs,
        initramfsBytes: initramfs.bytes,
        unpackKernelMs: boot.unpacked ? unpackMs : 0,
        accelProbeMs: accel.probed ? accelMs : 0,
        bootMs: guest.bootMs,
        guestMs: guest.totalMs,
        bootCpuMs: guest.bootCpuMs,
        guestCpuMs: guest.cpuMs,
        scenarioMs: results.reduce((n, r) => n + ('durationMs' in r ? r.durationMs : 0), 0),
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** One run's JSON, with its files moved from the shared directory to outDir. */
async function collect(
  files: ReturnType<typeof runFiles>,
  outDir: string,
  consoleLines: readonly string[],
  label: string,
): Promise<ScenarioResult | ErrorResult> {
  const stdout = await readFile(files.stdout, 'utf8').catch(() => '');
  if (!stdout.trim()) {
    throw new NatlabError(`guest ${label}: natlab left no result in the guest`, {
      code: 'COMMAND_FAILED',
      stage: 'vm',
      console: consoleTail(consoleLines),
    });
  }
  // The guest wrote paths under the shared directory; they now live under outDir.
  const result = JSON.parse(stdout.replaceAll(JSON.stringify(files.out).slice(1, -1), outDir)) as
    | ScenarioResult
    | ErrorResult;
  await mkdir(outDir, { recursive: true });
  await cp(files.out, outDir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    // A skipped run made no directory.
    if (error.code !== 'ENOENT') throw error;
  });
  if ('outDir' in result && result.outDir) {
    await writeFile(join(outDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  }
  return result;
}

/** These paths go on the kernel command line, which splits at spaces. */
function assertPlainPath(path: string): void {
  if (/\s|"/.test(path)) {
    throw new NatlabError(
      `a guest kernel cannot be given the path "${path}": it contains a space or quote`,
      {
        code: 'BAD_INPUT',
        stage: 'vm',
      },
    );
  }
}
