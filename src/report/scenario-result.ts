// What a run produces and every report renders; also the --json contract.

import type { Finding } from '../analyse/finding.ts';
import type { Connection, Journey } from '../analyse/journeys.ts';
import type { CheckResult } from '../check/evaluate-checks.ts';
import type { KernelState } from '../kernel-state/read-kernel-state.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
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
  /** When the probe started, in ms since the epoch: its packets are those from then on. */
  startedAt: number;
  /** Every IP packet of the probe, followed across the capture points it crossed. */
  journeys: Journey[];
  connections: Connection[];
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

/** The lab as built: enough to draw it. Link ends are capture-point ids, "node:iface". */
export interface TopologySummary {
  nodes: { name: string; kind: 'host' | 'router' | 'switch' }[];
  links: { a: string; b: string }[];
}

export function summarizeTopology(plan: TopologyPlan): TopologySummary {
  return {
    nodes: plan.nodes.map((n) => ({ name: n.name, kind: n.kind })),
    links: plan.links.map((l) => ({
      a: `${l.a.node}:${l.a.iface}`,
      b: `${l.b.node}:${l.b.iface}`,
    })),
  };
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
  topology: TopologySummary;
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
