// `natlab run --ruleset ... --json`: the verdict over all candidates, then each candidate's result
// (with its nft translation when it was RouterOS).

import type { CandidateRun } from './candidate-matrix.ts';

export interface CandidatesJsonOptions {
  scenario: string;
  /** Whether the candidates passed as --require-all asks (all) or not (any one). */
  ok: boolean;
  runs: readonly CandidateRun[];
  outDir: string;
}

export function candidatesJson({ scenario, ok, runs, outDir }: CandidatesJsonOptions) {
  const candidates = runs.map(({ candidate, result }) => ({
    ruleset: candidate.file,
    format: candidate.format,
    ...(candidate.format !== candidate.ruleset.format
      ? { translated: candidate.ruleset.text }
      : {}),
    verdict: result.verdict,
    reason: result.reason,
    checks: result.checks,
    probes: result.probes,
    diagnosis: result.diagnosis,
    outDir: result.outDir,
  }));
  const verdict = ok ? 'pass' : 'fail';
  return { scenario, verdict, candidates, outDir };
}
