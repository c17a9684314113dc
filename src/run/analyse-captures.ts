// The pure tail of a run: the captures' bytes decoded, analysed and checked, into the result's
// verdict, checks, diagnosis, probe reports and capture list; or, when the storm guard stopped the
// run, the storm's. It spawns nothing and reads no file, so a recorded run (test/fixtures/captures/)
// goes through exactly what a live one does.

import { analyseRun } from '../analyse/analyse-run.ts';
import { stormFinding } from '../analyse/diagnose-storm.ts';
import { directionResolver } from '../analyse/packet-direction.ts';
import { type CheckedProbe, type CheckResult, evaluateChecks } from '../check/evaluate-checks.ts';
import { checkStormRun } from '../check/storm-checks.ts';
import { type CaptureBytes, decodeCaptures } from '../decode/decode-captures.ts';
import type { KernelHealth } from '../kernel-state/kernel-health.ts';
import type { KernelState } from '../kernel-state/read-kernel-state.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import type { ScenarioResult, StepReport } from '../report/scenario-result.ts';
import type { Storm } from '../traffic/storm-guard.ts';
import { analyseText, checkText, decodeText } from './progress-text.ts';
import { type StepRunner, untimedStep } from './step-timing.ts';

export interface AnalyseCapturesInput {
  plan: TopologyPlan;
  probes: readonly CheckedProbe[];
  /** Each capture point's pcap, already read (decode/read-captures.ts). */
  captures: readonly CaptureBytes[];
  kernelState: readonly KernelState[];
  /** Taint and kernel log over the run, when read (not for recorded runs). */
  kernelHealth?: KernelHealth;
  /** Each step's changes and kernel state, for a scenario with steps. */
  steps?: readonly StepReport[];
  /** Set when the storm guard stopped the run: then nothing else is judged. */
  storm?: Storm;
  /** Times and announces decode, analyse and check; untimed by default. */
  step?: StepRunner;
}

export type RunAnalysis = Pick<
  ScenarioResult,
  'verdict' | 'checks' | 'diagnosis' | 'kernelState' | 'probes' | 'captures'
> &
  Partial<Pick<ScenarioResult, 'kernelHealth' | 'steps'>>;

export async function analyseCaptures({
  plan,
  probes,
  captures,
  kernelState,
  kernelHealth,
  steps = [],
  storm,
  step = untimedStep,
}: AnalyseCapturesInput): Promise<RunAnalysis> {
  if (storm) {
    const finding = stormFinding(storm);
    const checks = checkStormRun({ plan, storm, finding });
    return {
      verdict: verdictOf(checks),
      checks,
      diagnosis: [finding],
      kernelState: [],
      probes: [],
      captures: [],
    };
  }
  const perFile = await step('decode', () => decodeCaptures(captures), decodeText);
  const packets = perFile.flat();
  const { byProbe, journeys, findings, directionOf } = await step(
    'analyse',
    () => {
      const directionOf = directionResolver(plan, packets);
      return { ...analyseRun({ plan, probes, packets, directionOf, kernelState }), directionOf };
    },
    analyseText,
  );
  const checks = await step(
    'check',
    () =>
      evaluateChecks({
        plan,
        probes,
        packets,
        byProbe,
        directionOf,
        findings,
        kernelState,
        stepKernelState: new Map(steps.map((s) => [s.name, s.kernelState])),
        health: kernelHealth,
      }),
    checkText,
  );
  return {
    verdict: verdictOf(checks),
    checks,
    diagnosis: findings,
    kernelState: [...kernelState],
    ...(kernelHealth ? { kernelHealth } : {}),
    ...(steps.length > 0 ? { steps: [...steps] } : {}),
    probes: probes.map((p, i) => ({
      name: p.name,
      ...(p.step === undefined ? {} : { step: p.step }),
      from: p.from,
      to: p.to,
      expect: p.expect,
      ok: p.ok,
      serverSaw: p.serverSaw,
      replies: p.replies,
      error: p.error,
      startedAt: p.startedAt,
      journeys: journeys[i]?.journeys ?? [],
      connections: journeys[i]?.connections ?? [],
    })),
    captures: captures.map((c, i) => ({
      node: c.point.node,
      iface: c.point.iface,
      file: c.file,
      packets: perFile[i]?.length ?? 0,
    })),
  };
}

function verdictOf(checks: readonly CheckResult[]): 'pass' | 'fail' {
  return checks.every((c) => c.ok) ? 'pass' : 'fail';
}
