// Why one check failed, as a test runner shows it: the check and its detail, the diagnosis of the
// probe it judges, that probe's ladder, and where report.html is (with the narrative and the rest).
// Pure: returns text.

import type { CheckResult } from '../check/evaluate-checks.ts';
import type { ProbeReport, ScenarioResult } from './scenario-result.ts';
import { type Glyphs, renderFinding, renderProbeOf } from './terminal-report.ts';

export function renderCheckFailure(
  result: ScenarioResult,
  check: CheckResult,
  g: Glyphs,
  reportPath?: string,
): string {
  const probe = probeOf(result, check);
  const findings = result.diagnosis.filter((f) => !probe || !f.probe || f.probe === probe.name);
  const lines = [`${result.scenario}: ${check.name}`, `  ${check.detail}`];
  if (findings.length > 0) {
    lines.push('', 'Diagnosis', ...findings.flatMap((f) => renderFinding(f, g)));
  }
  if (probe) lines.push('', ...renderProbeOf(result, probe, g, { narrative: false }));
  if (reportPath) lines.push('', `report: ${reportPath}`);
  return lines.join('\n');
}

/** The probe a check judges or looks at; none for a flow over the whole run. */
function probeOf(result: ScenarioResult, check: CheckResult): ProbeReport | undefined {
  return result.probes.find((p) => p.name === check.probe);
}
