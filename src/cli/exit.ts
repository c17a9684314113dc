// How a CLI command ends: its exit code, and an error printed on stderr (and as JSON on stdout
// with --json).

import { NatlabError } from '../errors.ts';
import { errorJson } from '../report/error-result.ts';
import { jsonDocument } from '../report/json-document.ts';

export const EXIT = { pass: 0, fail: 1, error: 2, skip: 4, interrupted: 130 } as const;

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export interface ReportErrorOptions {
  io: Io;
  /** The scenario named in the JSON error; '' when the command runs none. */
  scenario?: string;
  json?: boolean;
}

export function reportError(
  error: unknown,
  { io, scenario = '', json }: ReportErrorOptions,
): number {
  const message = error instanceof Error ? error.message : String(error);
  if (json) io.stdout.write(jsonDocument(errorJson(scenario, message)));
  // A user error gets its message only; a harness failure keeps its stack for the bug report.
  const text = error instanceof NatlabError ? message : (error as Error).stack;
  io.stderr.write(`natlab: ${text ?? message}\n`);
  return EXIT.error;
}

/**
 * A reader that went away (`natlab list | head -1`) is no error: the rest of stdout is dropped and
 * the command goes on, a run to its teardown.
 */
export function ignoreClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
