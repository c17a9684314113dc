// Every child process goes through here: argv arrays only, a timeout always, failures as NatlabError.

import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { NatlabError, type Stage } from '../errors.ts';
import { slowed } from './slowdown.ts';
import { heldSpawner, type Spawned } from './spawner.ts';

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
  if (!argv[0]) throw new Error('runCommand needs a command');
  const timeoutMs = slowed(unslowedTimeoutMs);
  const spawner = heldSpawner();
  const result =
    spawner && typeof input !== 'object'
      ? await runSpawned(spawner.spawn(argv, { stdin: input !== undefined, cwd }), {
          input,
          timeoutMs,
          signal,
        })
      : await runWithExeca(argv, { input, cwd, timeoutMs, signal });
  if (result.failed && !(allowFailure && result.exitCode !== undefined)) {
    const where = node ? ` on ${node}` : '';
    const reason = result.canceled
      ? 'interrupted'
      : result.timedOut
        ? `timed out after ${timeoutMs} ms`
        : firstLine(result.stderr) || result.shortMessage;
    throw new NatlabError(`failed to ${action}${where}: ${reason}`, {
      code: result.canceled ? 'INTERRUPTED' : result.timedOut ? 'TIMEOUT' : 'COMMAND_FAILED',
      stage,
      node,
      command: argv,
      stderr: result.stderr,
      cause: result.cause,
    });
  }
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? 0 };
}

/** How a command ended, whoever started it; exitCode only when it exited on its own. */
interface Outcome {
  stdout: string;
  stderr: string;
  exitCode?: number;
  failed: boolean;
  canceled: boolean;
  timedOut: boolean;
  shortMessage: string;
  cause?: unknown;
}

async function runWithExeca(
  argv: readonly string[],
  options: { input?: string | Readable; cwd?: string; timeoutMs: number; signal?: AbortSignal },
): Promise<Outcome> {
  const [file = '', ...args] = argv;
  const result = await execa(file, args, {
    input: options.input,
    cwd: options.cwd,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    reject: false,
    stripFinalNewline: false,
  });
  const exitedNonZero = result.exitCode !== undefined && !result.isCanceled && !result.timedOut;
  return {
    stdout: result.stdout,
    stderr: result.stderr,
    ...(exitedNonZero || !result.failed ? { exitCode: result.exitCode ?? 0 } : {}),
    failed: result.failed,
    canceled: result.isCanceled,
    timedOut: result.timedOut,
    shortMessage: result.shortMessage ?? '',
    cause: result,
  };
}

/** SIGTERM on a timeout or an interrupt, then SIGKILL if it is still there after this long. */
const KILL_AFTER_MS = 2000;

async function runSpawned(
  child: Spawned,
  { input, timeoutMs, signal }: { input?: string; timeoutMs: number; signal?: AbortSignal },
): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  child.on('stdout', (text) => {
    stdout += text;
  });
  child.on('stderr', (text) => {
    stderr += text;
  });
  if (input !== undefined) {
    child.write(input);
    child.end();
  }
  let ended: 'timedOut' | 'canceled' | undefined;
  let killer: NodeJS.Timeout | undefined;
  const end = (why: 'timedOut' | 'canceled') => {
    ended ??= why;
    child.kill('SIGTERM');
    killer ??= setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  };
  const timer = setTimeout(() => end('timedOut'), timeoutMs);
  const onAbort = () => end('canceled');
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  const exit = await child.exited.finally(() => {
    clearTimeout(timer);
    clearTimeout(killer);
    signal?.removeEventListener('abort', onAbort);
  });
  const command = child.argv.join(' ');
  const shortMessage = exit.error
    ? `Command failed with ${exit.error.errno}: ${command}\nspawn ${child.argv[0]} ${exit.error.errno} (${exit.error.message})`
    : exit.signal
      ? `Command was killed with ${exit.signal}: ${command}`
      : `Command failed with exit code ${exit.exitCode}: ${command}`;
  const failed = ended !== undefined || exit.exitCode !== 0;
  return {
    stdout,
    stderr,
    ...(ended === undefined && exit.exitCode !== undefined ? { exitCode: exit.exitCode } : {}),
    failed,
    canceled: ended === 'canceled',
    timedOut: ended === 'timedOut',
    shortMessage,
  };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
