// One scenario on several kernels: a verdict per kernel side by side, then exactly what differs
// (checks, probes, diagnoses, capabilities). Also the --json shape of such a run. Pure.

import type { Finding } from '../analyse/finding.ts';
import type { CheckResult } from '../check/evaluate-checks.ts';
import type { CapabilityResult } from '../preflight/probe-capabilities.ts';
import type { ProbeReport, Verdict } from './scenario-result.ts';
import { type Glyphs, wrap } from './terminal-report.ts';
import { textTable } from './text-table.ts';

export interface KernelRunReport {
  /** The --kernel spec's label: host, debian-6.1, or the image's file name. */
  kernel: string;
  /** uname -r where the scenario ran. */
  release: string;
  /** "this machine", or "qemu kvm" / "qemu tcg". */
  ranOn: string;
  /** Why KVM or TCG was used. */
  accelReason?: string;
  verdict: Verdict;
  reason?: string;
  checks: CheckResult[];
  probes: ProbeReport[];
  diagnosis: Finding[];
  capabilities: CapabilityResult[];
  outDir?: string;
  /** Where the time of a guest run went, in ms (sizes in bytes). */
  costs?: Record<string, number>;
}

export interface KernelsResult {
  scenario: string;
  verdict: Verdict;
  kernels: KernelRunReport[];
}

/** An error anywhere wins, then a failure; skips count only when nothing ran. */
export function overallVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('error')) return 'error';
  if (verdicts.includes('fail')) return 'fail';
  return verdicts.every((v) => v === 'skip') ? 'skip' : 'pass';
}

/** Each line names a thing that is not the same on every kernel, and what each kernel said. */
export function kernelDifferences(runs: readonly KernelRunReport[]): string[] {
  const lines: string[] = [];
  const each = (value: (r: KernelRunReport) => string) =>
    runs.map((r) => `${r.kernel}: ${value(r)}`).join(', ');
  const differs = (value: (r: KernelRunReport) => string) => new Set(runs.map(value)).size > 1;
  const names = <T extends { name: string }>(pick: (r: KernelRunReport) => T[]) => [
    ...new Set(runs.flatMap((r) => pick(r).map((x) => x.name))),
  ];

  if (differs((r) => r.verdict)) lines.push(`verdict: ${each((r) => r.verdict)}`);
  for (const name of names((r) => r.capabilities)) {
    const state = (r: KernelRunReport) => {
      const c = r.capabilities.find((x) => x.name === name);
      return c ? (c.available ? 'available' : 'missing') : 'not probed';
    };
    if (differs(state)) lines.push(`capability ${name}: ${each(state)}`);
  }
  for (const name of names((r) => r.probes)) {
    const state = (r: KernelRunReport) => {
      const p = r.probes.find((x) => x.name === name);
      return p ? (p.ok ? 'connected' : 'failed') : 'not run';
    };
    if (differs(state)) lines.push(`probe ${name}: ${each(state)}`);
  }
  for (const name of names((r) => r.checks)) {
    const state = (r: KernelRunReport) => {
      const c = r.checks.find((x) => x.name === name);
      return c ? (c.ok ? 'held' : 'failed') : 'not run';
    };
    if (differs(state)) lines.push(`check "${name}": ${each(state)}`);
  }
  const rules = [...new Set(runs.flatMap((r) => r.diagnosis.map((f) => f.rule)))];
  for (const rule of rules) {
    const state = (r: KernelRunReport) =>
      r.diagnosis.some((f) => f.rule === rule) ? 'found' : 'not found';
    if (differs(state)) lines.push(`diagnosis ${rule}: ${each(state)}`);
  }
  return lines;
}

export function renderKernelComparison(result: KernelsResult, g: Glyphs): string {
  const runs = result.kernels;
  const table = textTable([
    ['kernel', 'release', 'ran on', 'verdict', 'probes'],
    ...runs.map((r) => [
      r.kernel,
      r.release,
      r.ranOn,
      r.verdict,
      r.probes.map((p) => `${p.name} ${p.ok ? 'connected' : 'failed'}`).join(', ') || '-',
    ]),
  ]);
  const lines = [
    '',
    g.bold(`${result.scenario} on ${runs.length} kernel${runs.length === 1 ? '' : 's'}`),
    `  ${g.bold(table[0] ?? '')}`,
    ...table.slice(1).map((line) => `  ${line}`),
  ];
  for (const r of runs) {
    if (r.reason && r.verdict !== 'pass' && r.verdict !== 'fail') {
      const [first = '', ...rest] = wrap(`${r.kernel} ${r.verdict}: ${firstLine(r.reason)}`, 96);
      lines.push(`  ${first}`, ...rest.map((l) => `    ${l}`));
    }
  }
  const differences = kernelDifferences(runs);
  if (runs.length > 1) {
    lines.push('', g.bold('How the kernels differ'));
    if (differences.length === 0)
      lines.push('  Same verdict, probes, checks and diagnoses on every kernel.');
    for (const d of differences) {
      const [first = '', ...rest] = wrap(d.replaceAll('→', g.arrow), 94);
      lines.push(`  - ${first}`, ...rest.map((l) => `    ${l}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
