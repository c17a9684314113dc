// `--kernel` given: every scenario once per kernel, on the host in-process and on any other kernel
// in one throwaway VM per kernel. Output: <out>/<scenario>/<kernel>/ for each pair, and each
// guest's console in <out>/<kernel>.console.log.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type KernelRunReport,
  type KernelsResult,
  overallVerdict,
} from '../report/kernel-comparison.ts';
import type { ScenarioResult } from '../report/scenario-result.ts';
import { makeRunDir } from '../run/output-dir.ts';
import { type ProgressListener, runScenario } from '../run/run-scenario.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import type { KernelSpec } from './kernel-spec.ts';
import { runInVm } from './run-in-vm.ts';
import { ensureVmTools } from './vm-tools.ts';

export interface RunOnKernelsOptions {
  scenarios: readonly LoadedScenario[];
  specs: readonly KernelSpec[];
  outDir?: string;
  /** A guest's bound from start to power-off, per scenario it runs. */
  vmTimeoutPerScenarioMs: number;
  append: readonly string[];
  signal?: AbortSignal;
  progress: ProgressListener;
  say: (line: string) => void;
}

export interface KernelsRun {
  outDir: string;
  verdict: KernelsResult['verdict'];
  /** Per scenario, its kernels side by side. */
  scenarios: KernelsResult[];
  /** Per scenario, per kernel: the full result, for the terminal report (none on error). */
  results: (ScenarioResult | undefined)[][];
}

export async function runOnKernels(options: RunOnKernelsOptions): Promise<KernelsRun> {
  const { scenarios, specs, signal, say } = options;
  const first = scenarios[0]?.name ?? 'run';
  const base =
    options.outDir ?? (await makeRunDir(`${scenarios.length === 1 ? first : 'suite'}-kernels`));
  const dirOf = (scenario: LoadedScenario, spec: KernelSpec) =>
    join(base, scenario.name, spec.label);
  if (specs.some((s) => s.kind !== 'host')) await ensureVmTools(say, signal);
  await mkdir(base, { recursive: true });
  // reports[scenario][kernel]
  const reports = scenarios.map(() => [] as KernelRunReport[]);
  const results = scenarios.map(() => [] as (ScenarioResult | undefined)[]);
  const record = (i: number, report: KernelRunReport, result?: ScenarioResult) => {
    reports[i]?.push(report);
    results[i]?.push(result);
  };
  for (const [k, spec] of specs.entries()) {
    say(`kernel ${k + 1}/${specs.length}: ${spec.label}`);
    if (spec.kind === 'host') {
      for (const [i, scenario] of scenarios.entries()) {
        try {
          const outDir = dirOf(scenario, spec);
          const result = await runScenario({
            scenario,
            outDir,
            signal,
            progress: options.progress,
          });
          record(i, fromResult(spec.label, 'this machine', result), result);
        } catch (error) {
          if (signal?.aborted) throw error;
          record(i, failed(spec.label, 'this machine', '-', messageOf(error)));
        }
      }
      continue;
    }
    try {
      const run = await runInVm({
        scenarios,
        spec,
        outDirs: scenarios.map((s) => dirOf(s, spec)),
        consoleFile: join(base, `${spec.label}.console.log`),
        timeoutMs: options.vmTimeoutPerScenarioMs * scenarios.length,
        append: options.append,
        signal,
        say: (line) => say(`[${spec.label}] ${line}`),
      });
      const ranOn = `qemu ${run.accel}`;
      for (const [i, r] of run.results.entries()) {
        const report =
          'checks' in r
            ? fromResult(spec.label, ranOn, r)
            : failed(spec.label, ranOn, run.release, r.reason);
        record(
          i,
          { ...report, accelReason: run.accelReason, costs: { ...run.costs } },
          'checks' in r ? r : undefined,
        );
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      // A kernel that cannot run does not stop the others; its reason is its report.
      for (const i of scenarios.keys())
        record(i, failed(spec.label, 'qemu', '-', messageOf(error)));
    }
  }
  const perScenario: KernelsResult[] = scenarios.map((s, i) => ({
    scenario: s.name,
    verdict: overallVerdict((reports[i] ?? []).map((k) => k.verdict)),
    kernels: reports[i] ?? [],
  }));
  const run = {
    verdict: overallVerdict(perScenario.map((s) => s.verdict)),
    scenarios: perScenario,
  };
  await writeFile(join(base, 'kernels.json'), `${JSON.stringify(run, null, 2)}\n`);
  return { ...run, outDir: base, results };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
