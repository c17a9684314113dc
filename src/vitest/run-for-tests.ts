// One scenario run for a vitest suite: bounded by a timeout, with result.json and report.html
// written to its output directory as the CLI writes them.

import { NatlabError } from '../errors.ts';
import type { ScenarioResult } from '../report/scenario-result.ts';
import { writeResultFiles } from '../report/write-result-files.ts';
import { type Backend, newRunId, runScenario } from '../run/run-scenario.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';

export interface RunForTestsOptions {
  scenario: LoadedScenario;
  outDir: string;
  backend: Backend | undefined;
  timeout: number;
}

export async function runForTests({
  scenario,
  outDir,
  backend,
  timeout,
}: RunForTestsOptions): Promise<ScenarioResult> {
  const controller = new AbortController();
  const runId = newRunId();
  const timer = setTimeout(() => {
    const message = `scenario "${scenario.name}" (run ${runId}) took longer than ${timeout} ms; stopped and torn down`;
    controller.abort(new NatlabError(message, { code: 'TIMEOUT', stage: 'cli' }));
  }, timeout);
  try {
    const result = await runScenario({
      scenario,
      outDir,
      backend,
      runId,
      signal: controller.signal,
    });
    await writeResultFiles(result);
    return result;
  } catch (error) {
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}
