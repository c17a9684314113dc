// `natlab run NAME|DIR|FILE...`: picks how the named scenarios run (one, several at once, once per
// candidate ruleset, or once per kernel), runs them, and prints the report or the JSON result.

import { rm, writeFile } from 'node:fs/promises';
import { NatlabError } from '../errors.ts';
import { errorJson } from '../report/error-result.ts';
import { jsonDocument } from '../report/json-document.ts';
import { renderJunit } from '../report/junit-report.ts';
import type { Verdict } from '../report/scenario-result.ts';
import { glyphsFor, renderTerminalReport } from '../report/terminal-report.ts';
import { writeResultFiles } from '../report/write-result-files.ts';
import { checkJobs } from '../run/run-many.ts';
import { runScenario } from '../run/run-scenario.ts';
import {
  type LoadedScenario,
  type LoadScenarioOptions,
  loadScenarios,
} from '../scenario/load-scenario.ts';
import { resolveTargets } from '../scenario/resolve-targets.ts';
import { parseKernelSpecs } from '../vm/kernel-spec.ts';
import { candidatesCommand } from './candidates-command.ts';
import { EXIT, type Io, reportError } from './exit.ts';
import { listenForInterrupts } from './interrupts.ts';
import { kernelsCommand } from './kernels-command.ts';
import {
  checkOutputPaths,
  fromUserDir,
  type OutputPaths,
  parseBackend,
  type RunContext,
  type RunValues,
  USAGE,
} from './options.ts';
import { progressPrinter } from './progress-printer.ts';
import { runManyCommand } from './run-many-command.ts';

export interface RunCommandOptions {
  values: RunValues;
  positionals: string[];
  scenariosDir: string;
  loading: LoadScenarioOptions;
  io: Io;
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  const { values, positionals, scenariosDir, loading, io } = options;
  // Any kernel but the host's alone: each kernel runs every scenario named.
  const onKernels = values.kernel !== undefined && values.kernel.join() !== 'host';
  if (positionals.length === 0 && (onKernels || values.filter === undefined)) {
    io.stderr.write(`natlab: name at least one scenario (got 0)\n\n${USAGE}`);
    return EXIT.error;
  }
  const name = positionals.join(' ') || 'scenarios';
  const json = values.json;
  let paths: OutputPaths;
  try {
    paths = await checkOutputPaths(values);
  } catch (error) {
    return reportError(error, { io, scenario: name, json });
  }

  const interrupts = listenForInterrupts(io.stderr);
  const { signal } = interrupts;
  try {
    if (onKernels) {
      const specs = parseKernelSpecs(values.kernel, process.env.INIT_CWD ?? '.');
      const scenarios = await loadScenarios(positionals, scenariosDir, { ...loading, signal });
      return await kernelsCommand({ scenarios, specs, values, paths, signal, io });
    }
    const scenarios = await resolveTargets(positionals, {
      scenariosDir,
      cwd: fromUserDir('.'),
      filters: values.filter,
      load: { ...loading, signal },
    });
    const [scenario] = scenarios;
    if (scenarios.length > 1 || values.jobs !== undefined || !scenario) {
      return EXIT[await several({ scenarios, values, paths, signal, io })];
    }
    if (values.ruleset) return await candidatesCommand({ scenario, values, paths, signal, io });
    return await one({ scenario, values, paths, signal, io });
  } catch (error) {
    if (signal.aborted) {
      io.stderr.write('natlab: interrupted; everything this run created was removed\n');
      return EXIT.interrupted;
    }
    if (paths.junit) {
      const reason = error instanceof Error ? error.message : String(error);
      const failed = { ...errorJson(name, reason), durationMs: 0 };
      await writeFile(paths.junit, renderJunit(failed)).catch(() => undefined);
    }
    return reportError(error, { io, scenario: name, json });
  } finally {
    interrupts.dispose();
  }
}

/** One scenario, one lab: its report on stdout, or its result as JSON. */
async function one(options: RunContext & { scenario: LoadedScenario }): Promise<number> {
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

async function several(options: RunContext & { scenarios: LoadedScenario[] }): Promise<Verdict> {
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
