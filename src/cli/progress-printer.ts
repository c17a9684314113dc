// The live step list, on stderr so stdout stays clean for --json.

import { colourWanted, palette } from '../report/colour.ts';
import type { ProgressListener, StepName } from '../run/run-scenario.ts';

/** As wide as the longest step name, kernel-state. */
const label = (step: StepName) => step.padEnd(12);

/** "build          42 ms  4 namespaces": a finished step, lined up the same in every progress list. */
export function stepLine(step: StepName, ms: number, summary: string): string {
  return `${label(step)} ${String(ms).padStart(5)} ms  ${summary}`;
}

export function progressPrinter(stream: NodeJS.WriteStream): ProgressListener {
  const tty = stream.isTTY === true;
  const c = palette(colourWanted({ tty }));
  return {
    stepStarted(step) {
      if (tty) stream.write(`  ${c.dim('…')} ${label(step)}`);
    },
    stepFinished(step, ms, summary) {
      // On a terminal the started line is overwritten, whether coloured or not.
      const mark = tty ? `\r  ${c.green('✓')}` : '  -';
      stream.write(`${mark} ${stepLine(step, ms, summary)}\n`);
    },
  };
}
