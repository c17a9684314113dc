// SIGINT and SIGTERM for the CLI: the first aborts the run, which then tears down; if that has not
// ended within FORCE_EXIT_MS, or a second signal comes, natlab exits at once (130) and says so.

import { NatlabError } from '../errors.ts';

/** Long enough for any teardown natlab does; short enough that a user never waits on a hang. */
export const FORCE_EXIT_MS = 30_000;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface Interrupts {
  signal: AbortSignal;
  dispose(): void;
}

/** While a command runs: a signal aborts `signal` with an INTERRUPTED error. */
export function listenForInterrupts(stderr: NodeJS.WritableStream): Interrupts {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    stderr.write(`\nnatlab: ${name}, tearing down...\n`);
    controller.abort(
      new NatlabError(`interrupted by ${name}`, { code: 'INTERRUPTED', stage: 'cli' }),
    );
  };
  for (const name of SIGNALS) process.on(name, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of SIGNALS) process.off(name, onSignal);
    },
  };
}

/**
 * The process-wide backstop, for the CLI entry only (tests call main in-process): whatever natlab
 * waits on after a signal, the process ends within `graceMs` of it, or at a second signal.
 */
export function exitWhenInterruptStalls(graceMs = FORCE_EXIT_MS): void {
  let first = true;
  const stalled = (why: string) => {
    process.stderr.write(
      `natlab: ${why}; exiting now. Anything left behind is removed by npm run clean (and by the next run)\n`,
    );
    process.exit(130);
  };
  const onSignal = (name: NodeJS.Signals) => {
    // Nothing else listens (no command is running, or it has no teardown): end as Node would.
    if (process.listenerCount(name) === 1) process.exit(130);
    if (!first) stalled(`${name} again`);
    first = false;
    setTimeout(
      () => stalled(`teardown did not end within ${graceMs / 1000} s of ${name}`),
      graceMs,
    ).unref();
  };
  for (const name of SIGNALS) process.on(name, onSignal);
}
