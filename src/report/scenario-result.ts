// What a run produces and every report renders; also the --json contract.

import type { Finding } from '../analyse/diagnose-l2.ts';
import type { TraceStep } from '../analyse/probe-trace.ts';
import type { CheckResult } from '../check/evaluate-checks.ts';
import type { KernelState } from '../kernel-state/read-kernel-state.ts';
import type { CapabilityResult } from '../preflight/probe-capabilities.ts';

export type Verdict = 'pass' | 'fail' | 'skip' | 'error';

export interface ProbeReport {
  name: string;
  from: string;
  /** "host:port" */
  to: string;
  expect: 'connects' | 'fails' | 'either';
  ok: boolean;
  serverSaw?: string;
  error?: string;
  trace: TraceStep[];
}

export interface CaptureReport {
  node: string;
  iface: string;
  file: string;
  packets: number;
}

export interface StepTiming {
  step: string;
  ms: number;
}

export interface ScenarioResult {
  scenario: string;
  description?: string;
  runId?: string;
  verdict: Verdict;
  reason?: string;
  /** uname -r of the kernel the run used. */
  kernel: string;
  /** The capabilities the scenario needs, as probed before the build. */
  capabilities: CapabilityResult[];
  checks: CheckResult[];
  probes: ProbeReport[];
  /** What the analysis recognised in the captures, with the frames that show it. */
  diagnosis: Finding[];
  /** After the traffic, per node with rules: its conntrack table and rule counters. */
  kernelState: KernelState[];
  captures: CaptureReport[];
  rulesets: { node: string; dump: string }[];
  outDir?: string;
  /** Set with --keep: how to enter each node. */
  kept?: { node: string; enter: string }[];
  timings: StepTiming[];
  durationMs: number;
}
