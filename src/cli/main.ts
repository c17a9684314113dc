// `natlab run <name> [--json --out DIR --keep]`, `--list`, `--doctor`, `--decode` (`npm run scenario`
// in the checkout): parses argv, checks the numbers typed, and hands over to the sub-command. Takes
// argv as a parameter so tests can call it in-process. Exit codes: 0 pass, 1 check failed, 2 bad
// input or harness error, 4 skipped, 130 interrupted.

import {
  LOAD_TIMEOUT_MS,
  type LoadScenarioOptions,
  SCENARIOS_DIR,
} from '../scenario/load-scenario.ts';
import { decodeCommand } from './decode-command.ts';
import { endWithParent } from './end-with-parent.ts';
import { EXIT, type Io, ignoreClosedStdout, reportError } from './exit.ts';
import { exitWhenInterruptStalls, listenForInterrupts } from './interrupts.ts';
import { listCommand } from './list-command.ts';
import { fromUserDir, parseRunArgs, seconds, USAGE } from './options.ts';
import { runCommand } from './run-command.ts';

export { EXIT, type Io } from './exit.ts';

export async function main(argv: string[], io: Io = process): Promise<number> {
  let args: ReturnType<typeof parseRunArgs>;
  try {
    args = parseRunArgs(argv);
  } catch (error) {
    io.stderr.write(`natlab: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.error;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout.write(USAGE);
    return EXIT.pass;
  }
  const scenariosDir =
    values.scenarios === undefined ? SCENARIOS_DIR : fromUserDir(values.scenarios);
  // Every number the user typed is checked before anything else happens.
  let loading: LoadScenarioOptions;
  try {
    loading = {
      timeoutMs: seconds(values['load-timeout'], '--load-timeout', LOAD_TIMEOUT_MS / 1000) * 1000,
    };
    seconds(values['vm-timeout'], '--vm-timeout', 300);
  } catch (error) {
    return reportError(error, { io });
  }
  if (values.list) {
    const interrupts = listenForInterrupts(io.stderr);
    const listing = { ...loading, signal: interrupts.signal };
    return listCommand({ io, dir: scenariosDir, loading: listing }).finally(interrupts.dispose);
  }
  const pcap = values.decode ?? values.flows;
  if (pcap !== undefined) {
    try {
      await decodeCommand(fromUserDir(pcap), io, { frames: values.decode !== undefined });
      return EXIT.pass;
    } catch (error) {
      return reportError(error, { io });
    }
  }
  if (values.doctor) {
    return (await import('./doctor-command.ts')).doctorCommand({ json: values.json, io });
  }
  return runCommand({ values, positionals, scenariosDir, loading, io });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  exitWhenInterruptStalls();
  endWithParent();
  ignoreClosedStdout();
  process.exitCode = await main(process.argv.slice(2));
}
