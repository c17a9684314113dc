// `--kernel` given: the scenario once per kernel, the host's own in-process and every other in a
// throwaway VM, each into its own directory under one output directory.

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type KernelRunReport,
  type KernelsResult,
  overallVerdict,
} from '../report/kernel-comparison.ts';
import type { ScenarioResult } from '../report/scenario-result.ts';
import { type ProgressListener, runScenario } from '../run/run-scenario.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import type { KernelSpec } from './kernel-spec.ts';
import { runInVm } from './run-in-vm.ts';
import { ensureVmTools } from './vm-tools.ts';

export interface RunOnKernelsOptions {
  scenario: LoadedScenario;
  specs: readonly KernelSpec[];
  outDir?: string;
  /** Per guest run: boot to power-off. */
  vmTimeoutMs: number;
  append: readonly string[];
  signal?: AbortSignal;
  progress: ProgressListener;
  say: (line: string) => void;
}

export interface KernelsRun extends KernelsResult {
  outDir: string;
  /** Full results, for the per-kernel terminal report (errors have none). */
  results: (ScenarioResult | undefined)[];
}

export async function runOnKernels(options: RunOnKernelsOptions): Promise<KernelsRun> {
  const { scenario, specs, signal, say } = options;
  const base =
    options.outDir ?? (await mkdtemp(join(tmpdir(), `natlab-${scenario.name}-kernels-`)));
  await mkdir(base, { recursive: true });
  if (specs.some((s) => s.kind !== 'host')) await ensureVmTools(say, signal);
  const kernels: KernelRunReport[] = [];
  const results: (ScenarioResult | undefined)[] = [];
  for (const [i, spec] of specs.entries()) {
    say(`kernel ${i + 1}/${specs.length}: ${spec.label}`);
    const outDir = join(base, spec.label);
    try {
      if (spec.kind === 'host') {
        const result = await runScenario({ scenario, outDir, signal, progress: options.progress });
        results.push(result);
        kernels.push(fromResult(spec.label, 'this machine', result));
      } else {
        const run = await runInVm({
          scenario,
          spec,
          outDir,
          timeoutMs: options.vmTimeoutMs,
          append: options.append,
          signal,
          say: (line) => say(`[${spec.label}] ${line}`),
        });
        const ranOn = `qemu ${run.accel}`;
        const r = run.result;
        results.push('checks' in r ? r : undefined);
        kernels.push({
          ...('checks' in r
            ? fromResult(spec.label, ranOn, r)
            : failed(spec.label, ranOn, run.release, r.reason)),
          accelReason: run.accelReason,
          costs: { ...run.costs },
        });
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      // One kernel that cannot run does not stop the others; its reason is its report.
      results.push(undefined);
      const ranOn = spec.kind === 'host' ? 'this machine' : 'qemu';
      kernels.push(failed(spec.label, ranOn, '?', (error as Error).message ?? String(error)));
    }
  }
  const result: KernelsResult = {
    scenario: scenario.name,
    verdict: overallVerdict(kernels.map((k) => k.verdict)),
    kernels,
  };
  await writeFile(join(base, 'kernels.json'), `${JSON.stringify(result, null, 2)}\n`);
  return { ...result, outDir: base, results };
}

function fromResult(kernel: string, ranOn: string, r: ScenarioResult): KernelRunReport {
  return {
    kernel,
    release: r.kernel,
    ranOn,
    verdict: r.verdict,
    reason: r.reason,
    checks: r.checks,
    probes: r.probes,
    diagnosis: r.diagnosis,
    capabilities: r.capabilities,
    outDir: r.outDir,
  };
}

function failed(kernel: string, ranOn: string, release: string, reason: string): KernelRunReport {
  return {
    kernel,
    release,
    ranOn,
    verdict: 'error',
    reason,
    checks: [],
    probes: [],
    diagnosis: [],
    capabilities: [],
  };
}
