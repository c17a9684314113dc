// `natlab run NAME|DIR|FILE...`: picks how the named scenarios run (one, several at once, once per
// candidate ruleset, or once per kernel), runs them, and prints the report or the JSON result.

import { writeFile } from 'node:fs/promises';
import { errorJson } from '../report/error-result.ts';
import { renderJunit } from '../report/junit-report.ts';
import { type LoadScenarioOptions, loadScenarios } from '../scenario/load-scenario.ts';
import { resolveTargets } from '../scenario/resolve-targets.ts';
import { useSpawner } from '../system/spawner.ts';
import { parseKernelSpecs } from '../vm/kernel-spec.ts';
import { EXIT, type Io, reportError } from './exit.ts';
import { listenForInterrupts } from './interrupts.ts';
import {
  checkOutputPaths,
  fromUserDir,
  type OutputPaths,
  type RunValues,
  USAGE,
} from './options.ts';

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
  // Started now, it is up (python's start-up, on the other core) by the time the lab's first
  // command is.
  const releaseSpawner = useSpawner();
  // The lab's modules load while the scenario files load in their child, on the other core.
  const running = import('./run-loaded.ts');
  running.catch(() => undefined);
  try {
    if (onKernels) {
      const specs = parseKernelSpecs(values.kernel, process.env.INIT_CWD ?? '.');
      const scenarios = await loadScenarios(positionals, scenariosDir, { ...loading, signal });
      return await (await running).kernelsCommand({ scenarios, specs, values, paths, signal, io });
    }
    const scenarios = await resolveTargets(positionals, {
      scenariosDir,
      cwd: fromUserDir('.'),
      filters: values.filter,
      load: { ...loading, signal },
    });
    const { one, several, candidatesCommand } = await running;
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
    releaseSpawner();
    interrupts.dispose();
  }
}
