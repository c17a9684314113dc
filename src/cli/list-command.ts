// `natlab list`: the good scenarios on stdout; each broken one named on stderr with its error, then
// exit 2.

import {
  type LoadScenarioOptions,
  listScenarioNames,
  tryLoadScenarios,
} from '../scenario/load-scenario.ts';
import { EXIT, type Io, reportError } from './exit.ts';

export interface ListCommandOptions {
  io: Io;
  dir: string;
  loading: LoadScenarioOptions;
}

export async function listCommand({ io, dir, loading }: ListCommandOptions): Promise<number> {
  try {
    const names = await listScenarioNames(dir);
    if (names.length === 0) {
      io.stderr.write(`natlab: no scenario files (NAME.ts) in ${dir}\n`);
      return EXIT.error;
    }
    const outcomes = await tryLoadScenarios(names, dir, loading);
    const width = Math.max(...names.map((n) => n.length));
    for (const outcome of outcomes) {
      if (outcome.ok) {
        io.stdout.write(`${outcome.name.padEnd(width)}  ${outcome.scenario.def.description}\n`);
      } else io.stderr.write(`natlab: ${outcome.error.message}\n`);
    }
    return outcomes.every((o) => o.ok) ? EXIT.pass : EXIT.error;
  } catch (error) {
    if (loading.signal?.aborted) return EXIT.interrupted;
    return reportError(error, { io });
  }
}
