// `natlab run --json` over several scenarios: the overall verdict and time, then every result.

import type { ScenarioResult, Verdict } from './scenario-result.ts';

export interface RunManyJsonOptions {
  verdict: Verdict;
  durationMs: number;
  outDir: string;
  scenarios: readonly ScenarioResult[];
}

export function runManyJson({ verdict, durationMs, outDir, scenarios }: RunManyJsonOptions) {
  return { verdict, durationMs, outDir, scenarios };
}
