// Long-running children (tcpdump, servers): started, awaited until they say they are ready, stopped by pid.

import { readFileSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { NatlabError, type Stage } from '../errors.ts';
import { slowed } from './slowdown.ts';

export interface StartProcessOptions {
  action: string;
  stage: Stage;
  node?: string;
  /**
   * What proves readiness: a line on stdout or stderr, or (for a silent program) the process having
   * become that command line, which /proc/PID/cmdline shows once a wrapper (ip netns exec) exec'd it.
   */
  ready:
    | { stream: 'stdout' | 'stderr'; pattern: RegExp }
    | { cmdline: readonly string[] }
    /** For a silent program whose readiness /proc shows (a netlink socket subscribed): polled. */
    | { check: (pid: number) => boolean };
  /** How much of each stream's tail is kept (default 64 KiB): more for a program whose output is its result. */
  keptOutput?: number;
  /** Keep stdin open for RunningProcess.write. */
  stdin?: boolean;
  /** Written to stdin at once, before waiting for readiness (needs `stdin`). */
  input?: string;
  readyTimeoutMs?: number;
  /** SIGTERM first; SIGKILL after this long. */
  graceMs?: number;
  /**
   * After SIGTERM, the line that says its work is done and its output complete: `stop` resolves
   * there rather than at the exit, which can lag (a tcpdump's exit waits ~25 ms for the kernel to
   * release its packet socket). `exited` still settles at the exit.
   */
  doneWhenStopped?: { stream: 'stdout' | 'stderr'; pattern: RegExp };
  signal?: AbortSignal;
  /** Spawn it so it can outlive natlab (a --keep lab's services); see RunningProcess.release. */
  outlive?: boolean;
}

export interface ProcessExit {
  stdout: string;
  stderr: string;
  exitCode?: number;
  signal?: string;
  /** It printed its `doneWhenStopped` line and is on its way out; exitCode and signal are unknown. */
  saidDone?: true;
}

export interface RunningProcess {
  pid: number;
  /** Idempotent. Resolves once the process is gone, or has said it is done (doneWhenStopped). */
  stop(): Promise<ProcessExit>;
  /** Lets go of it: our pipes close and natlab may exit while it runs on (needs `outlive`). */
  release(): void;
  /** Writes to its stdin (needs `stdin`). */
  write(text: string): void;
  /** What it has printed so far (the tail of each stream). */
  output(): { stdout: string; stderr: string };
  /** Settles when it exits, whether stopped or not. */
  exited: Promise<ProcessExit>;
}

const KEPT_OUTPUT = 64 * 1024;

export async function startProcess(
  argv: readonly string[],
  {
    action,
    stage,
    node,
    ready,
    readyTimeoutMs: unscaledReadyMs = 5000,
    graceMs = 2000,
    doneWhenStopped,
    signal,
    outlive = false,
    stdin = false,
    input,
    keptOutput = KEPT_OUTPUT,
  }: StartProcessOptions,
): Promise<RunningProcess> {
  const [file, ...args] = argv;
  if (!file) throw new Error('startProcess needs a command');
  const readyTimeoutMs = slowed(unscaledReadyMs);
  const output = { stdout: '', stderr: '' };
  const subprocess: ResultPromise = execa(file, args, {
    stdin: stdin ? 'pipe' : 'ignore',
    buffer: false,
    reject: false,
    forceKillAfterDelay: slowed(graceMs),
    // Otherwise execa ends it when natlab exits.
    cleanup: !outlive,
    detached: outlive,
  });
  // Readiness lines come first and errors last: the tail of each stream is all that is kept.
  const keep = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    output[stream] = (output[stream] + chunk.toString()).slice(-keptOutput);
  };
  if (input !== undefined) subprocess.stdin?.write(input);
  subprocess.stdout?.on('data', keep('stdout'));
  subprocess.stderr?.on('data', keep('stderr'));
  const exited = subprocess.then(
    (r): ProcessExit => ({ ...output, exitCode: r.exitCode, signal: r.signal }),
  );
  const stop = once(async () => {
    subprocess.stdin?.end();
    const before = doneWhenStopped ? output[doneWhenStopped.stream].length : 0;
    subprocess.kill('SIGTERM');
    if (!doneWhenStopped) return exited;
    const { stream, pattern } = doneWhenStopped;
    const said = () => pattern.test(output[stream].slice(before));
    const done = new Promise<ProcessExit>((resolve) => {
      const onData = () => {
        if (!said()) return;
        subprocess[stream]?.off('data', onData);
        resolve({ ...output, saidDone: true });
      };
      subprocess[stream]?.on('data', onData);
      onData();
    });
    return Promise.race([exited, done]);
  });
  const fail = (reason: string, code: 'COMMAND_FAILED' | 'TIMEOUT' | 'INTERRUPTED') =>
    new NatlabError(`failed to ${action}${node ? ` on ${node}` : ''}: ${reason}`, {
      code,
      stage,
      node,
      command: argv,
      stderr: output.stderr,
    });

  const wanted = 'cmdline' in ready ? `${ready.cmdline.join('\0')}\0` : '';
  const isReady =
    'cmdline' in ready
      ? () => readCmdline(subprocess.pid) === wanted
      : 'check' in ready
        ? () => subprocess.pid !== undefined && ready.check(subprocess.pid)
        : () => ready.pattern.test(output[ready.stream]);
  const outcome = await new Promise<'ready' | 'exited' | 'timeout' | 'aborted'>((resolve) => {
    const finish = (value: 'ready' | 'exited' | 'timeout' | 'aborted') => {
      clearTimeout(timer);
      clearInterval(poll);
      signal?.removeEventListener('abort', onAbort);
      subprocess.stdout?.off('data', onData);
      subprocess.stderr?.off('data', onData);
      resolve(value);
    };
    const onAbort = () => finish('aborted');
    const onData = () => {
      if (isReady()) finish('ready');
    };
    const timer = setTimeout(() => finish('timeout'), readyTimeoutMs);
    // A silent program says nothing: look at it until it has become itself.
    const poll = 'stream' in ready ? undefined : setInterval(onData, 5);
    signal?.addEventListener('abort', onAbort, { once: true });
    subprocess.stdout?.on('data', onData);
    subprocess.stderr?.on('data', onData);
    void exited.then(() => finish(isReady() ? 'ready' : 'exited'));
    if (signal?.aborted) finish('aborted');
  });

  const release = () => {
    subprocess.stdout?.destroy();
    subprocess.stderr?.destroy();
    subprocess.unref();
  };
  const write = (text: string) => {
    subprocess.stdin?.write(text);
  };
  if (outcome === 'ready') {
    const current = () => ({ ...output });
    return { pid: subprocess.pid ?? -1, stop, release, write, output: current, exited };
  }
  const exit = await stop();
  if (outcome === 'exited') {
    throw fail(
      `exited before it was ready (code ${exit.exitCode ?? exit.signal}): ${exit.stderr.trim().split('\n')[0] ?? ''}`,
      'COMMAND_FAILED',
    );
  }
  if (outcome === 'aborted') throw fail('interrupted', 'INTERRUPTED');
  throw fail(`not ready after ${readyTimeoutMs} ms`, 'TIMEOUT');
}

function readCmdline(pid: number | undefined): string | undefined {
  if (pid === undefined) return undefined;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= fn();
    return result;
  };
}
