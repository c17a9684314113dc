// The ScenarioResult of a run, put together: what is known before the build, then the analysis of
// the lab's traffic (or of its storm), its rules as loaded and, with --keep, how to enter each node.

import type { TopologyPlan } from '../plan/topology-plan.ts';
import {
  resultWithoutRun,
  type ScenarioResult,
  type StepTiming,
  summarizeTopology,
} from '../report/scenario-result.ts';
import type { RunAnalysis } from './analyse-captures.ts';

export interface BaseResultInput {
  plan: TopologyPlan;
  kernel: string;
  /** Filled in as the steps end. */
  timings: StepTiming[];
}

/** Before the build: a skip, until the run gets further. */
export function baseResult({ plan, kernel, timings }: BaseResultInput): ScenarioResult {
  return resultWithoutRun({
    scenario: plan.scenario,
    description: plan.description,
    runId: plan.runId,
    verdict: 'skip',
    kernel,
    topology: summarizeTopology(plan),
    timings,
    durationMs: 0,
  });
}

export interface LabOutcome {
  analysis: RunAnalysis;
  rulesets?: ScenarioResult['rulesets'];
  kept?: ScenarioResult['kept'];
}

export function labResult(
  base: ScenarioResult,
  { analysis, rulesets = [], kept }: LabOutcome,
): ScenarioResult {
  return { ...base, ...analysis, rulesets, kept };
}
