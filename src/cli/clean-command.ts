// `natlab clean` (`npm run clean`): removes the labs of runs whose process is gone (crashed, killed,
// or --keep).

import { cleanDeadRuns } from '../backend/clean-runs.ts';
import {
  ensureSbinOnPath,
  hasLabCapabilities,
  NEEDS_ROOT_MESSAGE,
} from '../preflight/check-environment.ts';
import type { Io } from './exit.ts';

export async function cleanCommand(io: Io = process): Promise<number> {
  if (!(await hasLabCapabilities())) {
    io.stderr.write(`natlab clean: ${NEEDS_ROOT_MESSAGE}\n`);
    return 2;
  }
  ensureSbinOnPath();
  const { cleaned, refused } = await cleanDeadRuns({ includeKept: true });
  for (const run of refused) {
    io.stderr.write(
      `left run ${run.runId} alone: its manifest cannot be trusted (${run.problem})\n`,
    );
  }
  for (const run of cleaned) {
    io.stdout.write(
      `removed run ${run.runId} (${run.scenario}): ${run.namespaces.length} namespaces\n`,
    );
  }
  io.stdout.write(
    cleaned.length === 0 ? 'nothing to clean\n' : `cleaned ${cleaned.length} run(s)\n`,
  );
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await cleanCommand();
}
