// `npm run clean`: removes the labs of runs whose process is gone (crashed, killed, or --keep).

import { cleanDeadRuns } from '../backend/clean-runs.ts';
import {
  ensureSbinOnPath,
  hasLabCapabilities,
  NEEDS_ROOT_MESSAGE,
} from '../preflight/check-environment.ts';

if (!(await hasLabCapabilities())) {
  process.stderr.write(`natlab clean: ${NEEDS_ROOT_MESSAGE}\n`);
  process.exit(2);
}
ensureSbinOnPath();
const { cleaned, refused } = await cleanDeadRuns({ includeKept: true });
for (const run of refused) {
  process.stderr.write(
    `left run ${run.runId} alone: its manifest cannot be trusted (${run.problem})\n`,
  );
}
for (const run of cleaned) {
  process.stdout.write(
    `removed run ${run.runId} (${run.scenario}): ${run.namespaces.length} namespaces\n`,
  );
}
process.stdout.write(
  cleaned.length === 0 ? 'nothing to clean\n' : `cleaned ${cleaned.length} run(s)\n`,
);
