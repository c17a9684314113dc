// The traffic of a run: the top-level probes, then each step in order: its changes, its probes, and
// the kernel state right after them, so a step-scoped expectation is judged on that step's state.

import type { Topology } from '../backend/topology.ts';
import { readKernelState } from '../kernel-state/read-kernel-state.ts';
import type { StepReport } from '../report/scenario-result.ts';
import { applyStep, initialRulesets } from '../steps/apply-step.ts';
import { type ProbeResult, runProbes } from '../traffic/run-probes.ts';
import { kernelStateText, trafficText } from './progress-text.ts';
import type { StepRunner } from './step-timing.ts';

export interface TrafficOutcome {
  /** Every probe's result, in the order they ran. */
  probes: ProbeResult[];
  /** One per step; none for a scenario without steps. */
  steps: StepReport[];
}

export async function runTraffic({
  topology,
  step,
}: {
  topology: Topology;
  step: StepRunner;
}): Promise<TrafficOutcome> {
  const probes = await step('traffic', () => runProbes(topology), trafficText);
  const active = initialRulesets(topology.plan.nodes);
  const steps: StepReport[] = [];
  for (const planned of topology.plan.steps) {
    const changes = await step(
      'steps',
      () => applyStep({ topology, step: planned, active }),
      (c) => `${planned.name}: ${c.join('; ') || 'no changes'}`,
    );
    const own = topology.plan.probes.filter((p) => p.step === planned.name);
    probes.push(...(await step('traffic', () => runProbes(topology, own), trafficText)));
    const kernelState = await step(
      'kernel-state',
      () => readKernelState(topology),
      kernelStateText,
    );
    steps.push({ name: planned.name, changes, kernelState });
  }
  return { probes, steps };
}
