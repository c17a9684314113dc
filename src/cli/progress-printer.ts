// The live step list, on stderr so stdout stays clean for --json.

import type { ProgressListener, StepName } from '../run/run-scenario.ts';

export function progressPrinter(stream: NodeJS.WriteStream): ProgressListener {
  const tty = stream.isTTY === true;
  const label = (step: StepName) => step.padEnd(9);
  return {
    stepStarted(step) {
      if (tty) stream.write(`  \x1b[2m…\x1b[0m ${label(step)}`);
    },
    stepFinished(step, ms, summary) {
      const mark = tty ? '\r  \x1b[32m✓\x1b[0m' : '  -';
      stream.write(`${mark} ${label(step)} ${String(ms).padStart(5)} ms  ${summary}\n`);
    },
  };
}
