// The scenarios, once loaded: one lab with its report, several at once with a summary table, or
// the candidate and kernel runs. Loaded by run-command.ts while the scenario files load.

import { rm } from 'node:fs/promises';
import { NatlabError } from '../errors.ts';
import { jsonDocument } from '../report/json-document.ts';
import type { Verdict } from '../report/scenario-result.ts';
import { glyphsFor, renderTerminalReport } from '../report/terminal-report.ts';
import { writeResultFiles } from '../report/write-result-files.ts';
import { checkJobs } from '../run/jobs.ts';
import { runScenario } from '../run/run-scenario.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { EXIT } from './exit.ts';
import { parseBackend, type RunContext } from './options.ts';
import { progressPrinter } from './progress-printer.ts';
import { runManyCommand } from './run-many-command.ts';

export { candidatesCommand } from './candidates-command.ts';
export { kernelsCommand } from './kernels-command.ts';

/** One scenario, one lab: its report on stdout, or its result as JSON. */
export async function one(options: RunContext & { scenario: LoadedScenario }): Promise<number> {
  const { scenario, values, paths, signal, io } = options;
  const backend = parseBackend(values.backend);
  if (backend === 'mininet' && values.keep) {
    throw new NatlabError(
      '--keep needs the netns backend: Mininet deletes its links when its driver stops, and the driver stops with natlab',
      { code: 'BAD_INPUT', stage: 'cli' },
    );
  }
  const result = await runScenario({
    scenario,
    backend,
    outDir: paths.out,
    keep: values.keep,
    signal,
    progress: progressPrinter(io.stderr),
  });
  // A signal during the teardown still means the user stopped the run: exit 130, and a
  // directory natlab chose goes, as after any interrupted run.
  if (signal.aborted) {
    if (!paths.out && result.outDir) await rm(result.outDir, { recursive: true, force: true });
    signal.throwIfAborted();
  }
  await writeResultFiles(result, { junit: paths.junit });
  if (values.json) io.stdout.write(jsonDocument(result));
  else io.stdout.write(renderTerminalReport(result, glyphsFor(io.stdout.isTTY === true)));
  return EXIT[result.verdict];
}

export async function several(
  options: RunContext & { scenarios: LoadedScenario[] },
): Promise<Verdict> {
  const { scenarios, values, paths, signal, io } = options;
  const alone = (['ruleset', 'keep'] as const).find((o) => values[o] !== undefined && values[o]);
  if (alone) {
    throw new NatlabError(`--${alone} takes one scenario, and ${scenarios.length} are named`, {
      code: 'BAD_INPUT',
      stage: 'cli',
    });
  }
  return runManyCommand({
    scenarios,
    jobs: checkJobs(values.jobs ?? 1),
    outDir: paths.out,
    backend: parseBackend(values.backend),
    json: values.json,
    junit: paths.junit,
    signal,
    io,
  });
}
