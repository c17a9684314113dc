// One scenario on one guest kernel: prepare the kernel, build the initramfs, choose KVM or TCG,
// boot, and bring the guest's result and pcaps back. Everything temporary lives in one directory
// that is removed whatever happens; the guest's mounts end with the guest.

import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NatlabError } from '../errors.ts';
import type { ScenarioResult } from '../report/scenario-result.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { bootGuest } from './boot-guest.ts';
import { buildInitramfs } from './build-initramfs.ts';
import { chooseAccel } from './choose-accel.ts';
import { type GuestJob, modulesFor, SHARED_FILES } from './guest-job.ts';
import type { KernelSpec } from './kernel-spec.ts';
import { prepareKernel } from './prepare-kernel.ts';
import { type Accel, guestCommandLine } from './qemu-argv.ts';

export interface VmRunOptions {
  scenario: LoadedScenario;
  spec: Exclude<KernelSpec, { kind: 'host' }>;
  /** Where the guest's pcaps, result.json, report.html and console.log end up. */
  outDir: string;
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
  /** The guest CLI's exit code. */
  exitCode: number;
  result: ScenarioResult | ErrorResult;
  costs: VmCosts;
}

/** What the guest CLI prints when it could not run the scenario. */
export interface ErrorResult {
  scenario: string;
  verdict: 'error';
  reason: string;
}

export interface VmCosts {
  /** Download and unpack; 0 when the kernel was cached. */
  fetchMs: number;
  fetchedBytes: number;
  initramfsMs: number;
  initramfsBytes: number;
  /** The KVM probe boot; 0 when its answer was cached. */
  accelProbeMs: number;
  /** qemu start to the guest's init. */
  bootMs: number;
  /** qemu start to power-off. */
  guestMs: number;
  /** The scenario's own duration inside the guest. */
  scenarioMs: number;
}

const KERNEL_LOG = /^\[\s*\d+\.\d+\]/;
const MEMORY_MB = 2048;
const BOOT_TIMEOUT_MS = 120_000;
/** The guest runs this very checkout, seen through the host's root. */
const PROJECT_DIR = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export async function runInVm(options: VmRunOptions): Promise<VmRun> {
  const { scenario, spec, outDir, timeoutMs, append, signal, say } = options;
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
    for (const path of [shared, process.execPath, PROJECT_DIR]) assertPlainPath(path);
    const [initramfs, initramfsMs] = await time(() =>
      buildInitramfs(kernel, join(work, 'initramfs.cpio.gz')),
    );
    const machine = {
      image: kernel.image,
      initramfs: initramfs.file,
      memoryMb: MEMORY_MB,
      cpus: Math.min(2, availableParallelism()),
    };
    const [accel, accelMs] = await time(() => chooseAccel(machine, signal));
    say(`booting ${kernel.label} (${kernel.release}) under qemu ${accel.accel}: ${accel.reason}`);
    const job: GuestJob = {
      argv: [
        scenario.name,
        '--scenarios',
        dirname(scenario.file),
        '--json',
        '--out',
        join(shared, SHARED_FILES.run),
      ],
      modules: modulesFor(scenario.def.needs ?? []),
    };
    await writeFile(join(shared, SHARED_FILES.job), JSON.stringify(job));
    const guest = await bootGuest({
      qemu: {
        ...machine,
        accel: accel.accel,
        append: guestCommandLine({ shared, project: PROJECT_DIR, node: process.execPath }, append),
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
      onLine: (line) => {
        if (line.trim() && !KERNEL_LOG.test(line)) say(line);
      },
    });
    const exitCode = Number(
      (await readFile(join(shared, SHARED_FILES.exitCode), 'utf8').catch(() => '')).trim(),
    );
    const stdout = await readFile(join(shared, SHARED_FILES.stdout), 'utf8').catch(() => '');
    if (!Number.isInteger(exitCode) || !stdout.trim()) {
      throw new NatlabError(`guest ${kernel.label}: natlab left no result in the guest`, {
        code: 'COMMAND_FAILED',
        stage: 'vm',
        console: guest.console.slice(-25).join('\n'),
      });
    }
    // The guest wrote paths under the shared directory; they now live under outDir.
    const result = JSON.parse(
      stdout.replaceAll(JSON.stringify(join(shared, SHARED_FILES.run)).slice(1, -1), outDir),
    ) as ScenarioResult | ErrorResult;
    await mkdir(outDir, { recursive: true });
    await cp(join(shared, SHARED_FILES.run), outDir, { recursive: true }).catch((error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
    if ('outDir' in result && result.outDir) {
      await writeFile(join(outDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    }
    await writeFile(join(outDir, 'console.log'), `${guest.console.join('\n')}\n`);
    return {
      release: kernel.release,
      accel: accel.accel,
      accelReason: accel.reason,
      exitCode,
      result,
      costs: {
        fetchMs: kernel.fetched ? fetchMs : 0,
        fetchedBytes: kernel.fetched?.bytes ?? 0,
        initramfsMs,
        initramfsBytes: initramfs.bytes,
        accelProbeMs: accel.probed ? accelMs : 0,
        bootMs: guest.bootMs,
        guestMs: guest.totalMs,
        scenarioMs: 'durationMs' in result ? result.durationMs : 0,
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
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
