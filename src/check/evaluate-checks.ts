// Stage 10: probe outcomes and flow expectations become check results. Failed checks are data.

import type { Finding } from '../analyse/finding.ts';
import type { DirectionOf } from '../analyse/packet-direction.ts';
import type { Packet } from '../decode/packet.ts';
import type { KernelHealth } from '../kernel-state/kernel-health.ts';
import type { KernelState } from '../kernel-state/read-kernel-state.ts';
import { sameAddress } from '../net/addresses.ts';
import type { ProbePlan, TopologyPlan } from '../plan/topology-plan.ts';
import type { FlowExpectationDef } from '../scenario/define-scenario.ts';
import type { ProbeResult } from '../traffic/run-probes.ts';
import { judgeFlow } from './flow-checks.ts';
import { kernelChecks } from './kernel-checks.ts';

export interface CheckResult {
  /**
   * Stable: made from what the check judges (probe name, flow name, diagnosis rule), never from its
   * outcome, so CI history and test names can key on it. Unique within a scenario.
   */
  id: string;
  name: string;
  ok: boolean;
  detail: string;
  /** The probe the check judges, or whose traffic it looks at. */
  probe?: string;
  /** The step it is scoped to: a step-scoped expectation, or a check of one of the step's probes. */
  step?: string;
  /** How long that probe took: the time a test report gives the check. */
  ms?: number;
}

/** What the checks read of a probe's run. */
export type CheckedProbe = Pick<
  ProbeResult,
  | 'name'
  | 'step'
  | 'from'
  | 'to'
  | 'expect'
  | 'ok'
  | 'serverSaw'
  | 'httpStatus'
  | 'replies'
  | 'error'
  | 'startedAt'
  | 'endedAt'
>;

export interface CheckInput {
  plan: TopologyPlan;
  probes: readonly CheckedProbe[];
  packets: readonly Packet[];
  /** The packets of each probe, from packetsByProbe. */
  byProbe: ReadonlyMap<string, readonly Packet[]>;
  directionOf: DirectionOf;
  findings: readonly Finding[];
  /** What netfilter said after the traffic; none: not read, no conntrack or counter checks. */
  kernelState?: readonly KernelState[];
  /** What it said right after each step's probes, by step name. */
  stepKernelState?: ReadonlyMap<string, readonly KernelState[]>;
  /** Kernel health over the run; none: not read (a recorded run), no kernel-health check. */
  health?: KernelHealth;
}

export function evaluateChecks(input: CheckInput): CheckResult[] {
  const probeMs = new Map(input.probes.map((p) => [p.name, p.endedAt - p.startedAt]));
  const timed = (check: CheckResult): CheckResult =>
    check.probe === undefined ? check : { ...check, ms: probeMs.get(check.probe) };
  return uniqueIds(
    [
      ...input.probes.flatMap((probe) => checkProbe(probe, input.plan)),
      ...input.plan.flows.map((flow) => checkFlow(flow, input)),
      ...Object.entries(input.plan.diagnosis).map(([rule, wanted]) =>
        checkFinding(rule, wanted === true, input.findings),
      ),
      ...kernelChecks({
        kernelChecks: input.plan.kernelChecks,
        kernelState: input.kernelState,
        stepKernelState: input.stepKernelState,
        health: input.health,
      }),
    ].map(timed),
  );
}

/**
 * The scenario's checks over a run that sent and captured nothing, with these findings: their ids
 * and names are the real ones; only the diagnosis checks judge anything.
 */
export function declaredChecks(plan: TopologyPlan, findings: readonly Finding[]): CheckResult[] {
  const probes = plan.probes.map((p) => ({
    name: p.name,
    step: p.step,
    from: p.from,
    to: p.target,
    expect: p.expect,
    ok: false,
    startedAt: 0,
    endedAt: 0,
  }));
  return evaluateChecks({
    plan,
    probes,
    packets: [],
    byProbe: new Map(),
    directionOf: () => 'in',
    findings,
    kernelState: [],
    health: { splats: [], problems: [] },
  }).map(({ ms, ...check }) => check);
}

/**
 * A step-scoped check's id and name: the step in both ("flow:STEP:NAME", "STEP: name"), so the
 * same expectation stated for two steps gets two ids; a check without a step keeps its own.
 */
export function scoped(
  check: Omit<CheckResult, 'id'> & { kind: string; step?: string },
): CheckResult {
  const { kind, step, name, ...rest } = check;
  if (step === undefined) return { id: `${kind}:${slug(name)}`, name, ...rest };
  return { id: `${kind}:${slug(step)}:${slug(name)}`, name: `${step}: ${name}`, step, ...rest };
}

/** Lower case, words joined by "-": an id part that survives any name. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'unnamed'
  );
}

/** Two flows of the same name would share an id: the later ones get "~2", "~3" in order. */
function uniqueIds(checks: CheckResult[]): CheckResult[] {
  const seen = new Map<string, number>();
  return checks.map((check) => {
    const n = (seen.get(check.id) ?? 0) + 1;
    seen.set(check.id, n);
    return n === 1 ? check : { ...check, id: `${check.id}~${n}` };
  });
}

function checkFinding(rule: string, wanted: boolean, findings: readonly Finding[]): CheckResult {
  const found = findings.filter((f) => f.rule === rule);
  return {
    id: `diagnosis:${rule}`,
    name: `diagnosis ${wanted ? 'finds' : 'does not find'} ${rule}`,
    ok: found.length > 0 === wanted,
    detail: found[0]?.summary ?? `no ${rule} finding`,
    probe: found[0]?.probe,
  };
}

/** What a probe that worked did, by kind. */
const SUCCESS: Record<ProbePlan['kind'], (probe: CheckedProbe) => string> = {
  http: (probe) => `connected (HTTP ${probe.httpStatus}`,
  ping: (probe) =>
    probe.replies
      ? `connected (${probe.replies.received}/${probe.replies.sent} echo replies`
      : 'connected (echo reply',
  udp: () => 'connected (UDP reply',
  tcp: () => 'connected (TCP',
};

function checkProbe(probe: CheckedProbe, plan: TopologyPlan): CheckResult[] {
  if (probe.expect === 'either') return [];
  const planned = plan.probes.find((p) => p.name === probe.name);
  const serverSees = planned && 'serverSees' in planned ? planned.serverSees : undefined;
  const took = `${probe.endedAt - probe.startedAt} ms`;
  const outcome = probe.ok
    ? `${SUCCESS[planned?.kind ?? 'http'](probe)}, ${took})`
    : `failed: ${probe.error} (${took})`;
  const step = probe.step === undefined ? {} : { step: probe.step };
  // Named after the step too, as every step-scoped check is; the id needs no step (names are unique).
  const label = probe.step === undefined ? probe.name : `${probe.step}: ${probe.name}`;
  const checks: CheckResult[] = [
    {
      id: `probe:${probe.name}`,
      name: `${label}: ${probe.from} → ${probe.to} ${probe.expect === 'connects' ? 'connects' : 'fails'}`,
      ok: probe.ok === (probe.expect === 'connects'),
      detail: outcome,
      probe: probe.name,
      ...step,
    },
  ];
  if (serverSees !== undefined) {
    checks.push({
      id: `probe:${probe.name}:server-saw`,
      name: `${label}: server saw ${serverSees}`,
      probe: probe.name,
      ...step,
      ok: sameAddress(probe.serverSaw, serverSees),
      detail:
        probe.serverSaw === undefined
          ? 'the server gave no answer, so it saw nothing'
          : `the server reported client address ${probe.serverSaw}`,
    });
  }
  return checks;
}

function checkFlow(flow: FlowExpectationDef, input: CheckInput): CheckResult {
  const { name, ok, detail } = judgeFlow({
    flow,
    pool: flowPool(flow, input),
    directionOf: input.directionOf,
  });
  return scoped({ kind: 'flow', step: flow.step, name, probe: flow.during, ok, detail });
}

/** The packets a flow looks at: its probe's, its step's probes', or the whole run's. */
function flowPool(flow: FlowExpectationDef, input: CheckInput): readonly Packet[] {
  if (flow.during !== undefined) return input.byProbe.get(flow.during) ?? [];
  if (flow.step === undefined) return input.packets;
  const own = input.plan.probes.filter((p) => p.step === flow.step);
  return own.flatMap((p) => input.byProbe.get(p.name) ?? []);
}
