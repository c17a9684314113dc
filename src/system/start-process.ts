// Long-running children (tcpdump, servers): started, awaited until they say they are ready, stopped by pid.

import { execa, type ResultPromise } from 'execa';
import { NatlabError, type Stage } from '../errors.ts';

export interface StartProcessOptions {
  action: string;
  stage: Stage;
  node?: string;
  /** The line that proves readiness, and which stream prints it. */
  ready: { stream: 'stdout' | 'stderr'; pattern: RegExp };
  readyTimeoutMs?: number;
  /** SIGTERM first; SIGKILL after this long. */
  graceMs?: number;
  signal?: AbortSignal;
  /** Spawn it so it can outlive natlab (a --keep lab's services); see RunningProcess.release. */
  outlive?: boolean;
}

export interface ProcessExit {
  stdout: string;
  stderr: string;
  exitCode?: number;
  signal?: string;
}

export interface RunningProcess {
  pid: number;
  /** Idempotent. Resolves once the process is gone. */
  stop(): Promise<ProcessExit>;
  /** Lets go of it: our pipes close and natlab may exit while it runs on (needs `outlive`). */
  release(): void;
}

export async function startProcess(
  argv: readonly string[],
  {
    action,
    stage,
    node,
    ready,
    readyTimeoutMs = 5000,
    graceMs = 2000,
    signal,
    outlive = false,
  }: StartProcessOptions,
): Promise<RunningProcess> {
  const [file, ...args] = argv;
  if (!file) throw new Error('startProcess needs a command');
  const output = { stdout: '', stderr: '' };
  const subprocess: ResultPromise = execa(file, args, {
    stdin: 'ignore',
    buffer: false,
    reject: false,
    forceKillAfterDelay: graceMs,
    // Otherwise execa ends it when natlab exits.
    cleanup: !outlive,
    detached: outlive,
  });
  subprocess.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  subprocess.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = subprocess.then(
    (r): ProcessExit => ({ ...output, exitCode: r.exitCode, signal: r.signal }),
  );
  const stop = once(async () => {
    subprocess.kill('SIGTERM');
    return exited;
  });
  const fail = (reason: string, code: 'COMMAND_FAILED' | 'TIMEOUT' | 'INTERRUPTED') =>
    new NatlabError(`failed to ${action}${node ? ` on ${node}` : ''}: ${reason}`, {
      code,
      stage,
      node,
      command: argv,
      stderr: output.stderr,
    });

  const isReady = () => ready.pattern.test(output[ready.stream]);
  const outcome = await new Promise<'ready' | 'exited' | 'timeout' | 'aborted'>((resolve) => {
    const finish = (value: 'ready' | 'exited' | 'timeout' | 'aborted') => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      subprocess[ready.stream]?.off('data', onData);
      resolve(value);
    };
    const onAbort = () => finish('aborted');
    const onData = () => {
      if (isReady()) finish('ready');
    };
    const timer = setTimeout(() => finish('timeout'), readyTimeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    subprocess[ready.stream]?.on('data', onData);
    void exited.then(() => finish(isReady() ? 'ready' : 'exited'));
    if (signal?.aborted) finish('aborted');
  });

  const release = () => {
    subprocess.stdout?.destroy();
    subprocess.stderr?.destroy();
    subprocess.unref();
  };
  if (outcome === 'ready') return { pid: subprocess.pid ?? -1, stop, release };
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

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= fn();
    return result;
  };
}
