// Each step of a run timed and announced: how long it took goes into the result, what it made into
// the progress line.

import type { Stage } from '../errors.ts';
import type { StepTiming } from '../report/scenario-result.ts';

/** The stages a run times, by the stage's own name: all but those around the lab's pipeline. */
export type StepName = Exclude<
  Stage,
  'cli' | 'scenario' | 'candidates' | 'preflight' | 'services' | 'vm'
>;

export interface ProgressListener {
  stepStarted(step: StepName): void;
  stepFinished(step: StepName, ms: number, summary: string): void;
}

export type StepRunner = <T>(
  name: StepName,
  work: () => T | Promise<T>,
  summary: (value: T) => string,
) => Promise<T>;

/** Runs a step untimed: for a caller with no run to report on (recorded captures). */
export const untimedStep: StepRunner = async (_name, work) => work();

export interface StepTimerOptions {
  /** Each step's time is pushed here as it ends. */
  timings: StepTiming[];
  progress?: ProgressListener;
  signal: AbortSignal;
}

export function stepTimer({ timings, progress, signal }: StepTimerOptions): StepRunner {
  return async (name, work, summary) => {
    // Teardown must run even after an interrupt; every other step stops there.
    if (name !== 'teardown') signal.throwIfAborted();
    progress?.stepStarted(name);
    const t0 = performance.now();
    const value = await work();
    const ms = Math.round(performance.now() - t0);
    timings.push({ step: name, ms });
    progress?.stepFinished(name, ms, summary(value));
    return value;
  };
}
