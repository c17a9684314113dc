// One scenario run for a vitest suite: bounded by a timeout, with result.json and report.html
// written to its output directory as the CLI writes them.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NatlabError } from '../errors.ts';
import { renderHtmlReport } from '../report/html-report.ts';
import type { ScenarioResult } from '../report/scenario-result.ts';
import { type Backend, runScenario } from '../run/run-scenario.ts';
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
  const timer = setTimeout(() => {
    const message = `scenario "${scenario.name}" took longer than ${timeout} ms; stopped and torn down`;
    controller.abort(new NatlabError(message, { code: 'TIMEOUT', stage: 'cli' }));
  }, timeout);
  try {
    const result = await runScenario({ scenario, outDir, backend, signal: controller.signal });
    // A skipped run stops before it makes its output directory.
    if (result.outDir) {
      await writeFile(join(result.outDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
      await writeFile(join(result.outDir, 'report.html'), renderHtmlReport(result));
    }
    return result;
  } catch (error) {
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}
