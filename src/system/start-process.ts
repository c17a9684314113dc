// Long-running children (tcpdump, servers): started, awaited until they say they are ready, stopped by pid.

import { readFileSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { NatlabError, type Stage } from '../errors.ts';
import { slowed } from './slowdown.ts';
import { heldSpawner, type Spawned } from './spawner.ts';

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
  /** Why it never ran (the command is not there, say). */
  error?: string;
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
  if (!argv[0]) throw new Error('startProcess needs a command');
  const readyTimeoutMs = slowed(unscaledReadyMs);
  const output = { stdout: '', stderr: '' };
  // A process that must outlive natlab cannot be the spawner's: the spawner ends with natlab.
  const spawner = outlive ? undefined : heldSpawner();
  const child = spawner
    ? spawnedChild(spawner.spawn(argv, { stdin }), slowed(graceMs))
    : execaChild(argv, { stdin, outlive, graceMs: slowed(graceMs) });
  // Readiness lines come first and errors last: the tail of each stream is all that is kept.
  const keep = (stream: 'stdout' | 'stderr') => (chunk: string) => {
    output[stream] = (output[stream] + chunk).slice(-keptOutput);
  };
  if (input !== undefined) child.write(input);
  child.on('stdout', keep('stdout'));
  child.on('stderr', keep('stderr'));
  const exited = child.exited.then((r): ProcessExit => ({ ...output, ...r }));
  const stop = once(async () => {
    child.end();
    const before = doneWhenStopped ? output[doneWhenStopped.stream].length : 0;
    child.terminate();
    if (!doneWhenStopped) return exited;
    const { stream, pattern } = doneWhenStopped;
    const said = () => pattern.test(output[stream].slice(before));
    const done = new Promise<ProcessExit>((resolve) => {
      const onData = () => {
        if (!said()) return;
        child.off(stream, onData);
        resolve({ ...output, saidDone: true });
      };
      child.on(stream, onData);
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

  const pid = await child.pid;
  const wanted = 'cmdline' in ready ? `${ready.cmdline.join('\0')}\0` : '';
  const isReady =
    'cmdline' in ready
      ? () => readCmdline(pid) === wanted
      : 'check' in ready
        ? () => pid !== undefined && ready.check(pid)
        : () => ready.pattern.test(output[ready.stream]);
  const outcome = await new Promise<'ready' | 'exited' | 'timeout' | 'aborted'>((resolve) => {
    const finish = (value: 'ready' | 'exited' | 'timeout' | 'aborted') => {
      clearTimeout(timer);
      clearInterval(poll);
      signal?.removeEventListener('abort', onAbort);
      child.off('stdout', onData);
      child.off('stderr', onData);
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
    child.on('stdout', onData);
    child.on('stderr', onData);
    void exited.then(() => finish(isReady() ? 'ready' : 'exited'));
    if (signal?.aborted) finish('aborted');
    // Its line may have come while its pid was on the way.
    else onData();
  });

  if (outcome === 'ready') {
    const current = () => ({ ...output });
    const write = (text: string) => child.write(text);
    return { pid: pid ?? -1, stop, release: child.release, write, output: current, exited };
  }
  const exit = await stop();
  if (outcome === 'exited') {
    throw fail(
      exit.error
        ? `could not start: ${exit.error}`
        : `exited before it was ready (code ${exit.exitCode ?? exit.signal}): ${exit.stderr.trim().split('\n')[0] ?? ''}`,
      'COMMAND_FAILED',
    );
  }
  if (outcome === 'aborted') throw fail('interrupted', 'INTERRUPTED');
  throw fail(`not ready after ${readyTimeoutMs} ms`, 'TIMEOUT');
}

/** A started command, whoever started it: its output as text events, its end as a promise. */
interface Child {
  /** Undefined when it never started (its exit says why). */
  pid: Promise<number | undefined>;
  on(stream: 'stdout' | 'stderr', listener: (text: string) => void): void;
  off(stream: 'stdout' | 'stderr', listener: (text: string) => void): void;
  write(text: string): void;
  end(): void;
  /** SIGTERM, then SIGKILL after the grace period. */
  terminate(): void;
  exited: Promise<{ exitCode?: number; signal?: string; error?: string }>;
  release(): void;
}

function execaChild(
  argv: readonly string[],
  { stdin, outlive, graceMs }: { stdin: boolean; outlive: boolean; graceMs: number },
): Child {
  const [file = '', ...args] = argv;
  const subprocess: ResultPromise = execa(file, args, {
    stdin: stdin ? 'pipe' : 'ignore',
    buffer: false,
    reject: false,
    forceKillAfterDelay: graceMs,
    // Otherwise execa ends it when natlab exits.
    cleanup: !outlive,
    detached: outlive,
  });
  const listeners = new Map<(text: string) => void, (chunk: Buffer) => void>();
  return {
    pid: Promise.resolve(subprocess.pid),
    on: (stream, listener) => {
      const wrapped = listeners.get(listener) ?? ((chunk: Buffer) => listener(chunk.toString()));
      listeners.set(listener, wrapped);
      subprocess[stream]?.on('data', wrapped);
    },
    off: (stream, listener) => {
      const wrapped = listeners.get(listener);
      if (wrapped) subprocess[stream]?.off('data', wrapped);
    },
    write: (text) => {
      subprocess.stdin?.write(text);
    },
    end: () => {
      subprocess.stdin?.end();
    },
    terminate: () => {
      subprocess.kill('SIGTERM');
    },
    exited: subprocess.then((r) => ({
      exitCode: r.exitCode,
      signal: r.signal,
      // Neither an exit code nor a signal: it never ran, and execa says why.
      ...(r.exitCode === undefined && r.signal === undefined ? { error: r.shortMessage } : {}),
    })),
    release: () => {
      subprocess.stdout?.destroy();
      subprocess.stderr?.destroy();
      subprocess.unref();
    },
  };
}

function spawnedChild(spawned: Spawned, graceMs: number): Child {
  const exited = spawned.exited.then(({ exitCode, signal, error }) => ({
    exitCode,
    signal,
    ...(error ? { error: `spawn ${spawned.argv[0]} ${error.errno} (${error.message})` } : {}),
  }));
  return {
    pid: spawned.started,
    on: (stream, listener) => {
      spawned.on(stream, listener);
    },
    off: (stream, listener) => {
      spawned.off(stream, listener);
    },
    write: (text) => spawned.write(text),
    end: () => spawned.end(),
    terminate: () => {
      spawned.kill('SIGTERM');
      const killer = setTimeout(() => spawned.kill('SIGKILL'), graceMs);
      void exited.then(() => clearTimeout(killer));
    },
    exited,
    release: () => {
      throw new Error('only a process started with outlive can be released');
    },
  };
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
