// A scenario natlab could not run, as JSON: the CLI's --json error (the result's arrays, empty), and
// what the guest leaves for the host in place of a result.

/** What the guest writes when it could not run the scenario. */
export interface ErrorResult {
  scenario: string;
  verdict: 'error';
  reason: string;
}

export function errorResult(scenario: string, reason: string): ErrorResult {
  return { scenario, verdict: 'error', reason };
}

/** `natlab run --json` when the run never produced a result. */
export function errorJson(scenario: string, reason: string) {
  return { ...errorResult(scenario, reason), checks: [], probes: [], captures: [] };
}
