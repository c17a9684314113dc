// Every child process goes through here: argv arrays only, a timeout always, failures as NatlabError.

import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { NatlabError, type Stage } from '../errors.ts';
import { slowed } from './slowdown.ts';

export interface RunCommandOptions {
  /** What we were doing, for the message: "failed to <action> on <node>". */
  action: string;
  stage: Stage;
  node?: string;
  /** stdin: the text, or a stream the caller writes to while the command runs. */
  input?: string | Readable;
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Return a non-zero exit as data instead of throwing (a failed probe is a result). */
  allowFailure?: boolean;
}

export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export async function runCommand(
  argv: readonly string[],
  {
    action,
    stage,
    node,
    input,
    cwd,
    timeoutMs: unslowedTimeoutMs = DEFAULT_TIMEOUT_MS,
    signal,
    allowFailure = false,
  }: RunCommandOptions,
): Promise<CommandOutput> {
  const [file, ...args] = argv;
  if (!file) throw new Error('runCommand needs a command');
  const timeoutMs = slowed(unslowedTimeoutMs);
  const result = await execa(file, args, {
    input,
    cwd,
    timeout: timeoutMs,
    cancelSignal: signal,
    reject: false,
    stripFinalNewline: false,
  });
  const exitedNonZero = result.exitCode !== undefined && !result.isCanceled && !result.timedOut;
  if (result.failed && !(allowFailure && exitedNonZero)) {
    const where = node ? ` on ${node}` : '';
    const reason = result.isCanceled
      ? 'interrupted'
      : result.timedOut
        ? `timed out after ${timeoutMs} ms`
        : firstLine(result.stderr) || result.shortMessage;
    throw new NatlabError(`failed to ${action}${where}: ${reason}`, {
      code: result.isCanceled ? 'INTERRUPTED' : result.timedOut ? 'TIMEOUT' : 'COMMAND_FAILED',
      stage,
      node,
      command: argv,
      stderr: result.stderr,
      cause: result,
    });
  }
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? 0 };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
