// The checks of a run the storm guard stopped. The storm is the one thing judged: a scenario that
// expects it (diagnosis: { storm: true }) passes that check; every other check had no traffic to
// judge and fails, saying so; a storm nobody expected fails the storm guard's own check first.

import { stormWhere } from '../analyse/diagnose-storm.ts';
import type { Finding } from '../analyse/finding.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import type { Storm } from '../traffic/storm-guard.ts';
import { type CheckResult, declaredChecks } from './evaluate-checks.ts';

export interface StormCheckInput {
  plan: TopologyPlan;
  storm: Storm;
  /** The storm finding (diagnose-storm.ts). */
  finding: Finding;
}

export function checkStormRun({ plan, storm, finding }: StormCheckInput): CheckResult[] {
  // Kernel health is not read once the guard has stopped the run.
  const declared = declaredChecks(plan, [finding])
    .filter((check) => check.id !== 'kernel-health')
    .map((check) =>
      check.id === 'diagnosis:storm'
        ? check
        : { ...check, ok: false, detail: 'not judged: the storm guard stopped the run' },
    );
  if (plan.diagnosis.storm === true) return declared;
  const guard: CheckResult = {
    id: 'storm-guard',
    name: `storm guard: no link above ${plan.stormGuard.maxPacketsPerSecond} packets/s`,
    ok: false,
    detail: `${stormWhere(storm)}; its bridges were set down and everything torn down`,
  };
  return [guard, ...declared];
}
