// Which findings a run keeps: a probe that failed as its scenario expects raises none, unless the
// scenario's diagnosis expectations ask for that rule (hairpin-broken asks for asymmetric-reply).

import type { DiagnosisRule } from '../scenario/define-scenario.ts';
import type { ProbeResult } from '../traffic/run-probes.ts';
import type { Finding } from './finding.ts';

export interface ExpectedFailureInput {
  findings: readonly Finding[];
  probes: readonly Partial<Pick<ProbeResult, 'name' | 'expect' | 'ok'>>[];
  /** The scenario's diagnosis expectations: a rule set to true is asked for. */
  diagnosis: Partial<Record<DiagnosisRule, boolean>>;
}

export function withoutExpectedFailures({
  findings,
  probes,
  diagnosis,
}: ExpectedFailureInput): Finding[] {
  const failedAsExpected = new Set(
    probes.filter((p) => p.expect === 'fails' && p.ok === false).map((p) => p.name),
  );
  return findings.filter(
    (f) => f.probe === undefined || !failedAsExpected.has(f.probe) || diagnosis[f.rule] === true,
  );
}
