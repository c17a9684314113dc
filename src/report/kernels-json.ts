// `natlab run --kernel ... --json`: one scenario is {scenario, verdict, kernels}, several are
// {verdict, scenarios: [...]}; either ends with the run's directory.

import type { KernelsResult } from './kernel-comparison.ts';

export interface KernelsJsonOptions {
  verdict: KernelsResult['verdict'];
  scenarios: readonly KernelsResult[];
  outDir: string;
}

export function kernelsJson({ verdict, scenarios, outDir }: KernelsJsonOptions) {
  const [only] = scenarios;
  const json = scenarios.length === 1 && only ? only : { verdict, scenarios };
  return { ...json, outDir };
}
