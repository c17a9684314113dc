// Every node's sysctls, set inside its own namespace by one process for the whole lab.

import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { NatlabError } from '../../errors.ts';
import type { NodePlan } from '../../plan/topology-plan.ts';
import { sysctlPath, sysctlProblem } from '../../scenario/validate-sysctls.ts';
import { PYTHON } from '../../system/python.ts';
import { runCommand } from '../../system/run-command.ts';

const SETTER = fileURLToPath(new URL('./set-sysctls.py', import.meta.url));

export interface SysctlJob {
  node: string;
  netns: string;
  /** [key, its path under /proc/sys, value]. */
  settings: [string, string, string][];
}

/** A node's settings for the setter, the rule rechecked where they are set. */
export function sysctlJob(node: NodePlan): SysctlJob {
  const settings = Object.entries(node.sysctls).map(([key, value]): [string, string, string] => {
    const problem = sysctlProblem(key, value);
    if (problem)
      throw new NatlabError(problem, { code: 'INVALID_SCENARIO', stage: 'build', node: node.name });
    return [key, sysctlPath(key), value];
  });
  return { node: node.name, netns: node.netns, settings };
}

/** sysctl's argv for the same settings, for a running lab's node (a step's, through its topology). */
export function sysctlArgv(node: NodePlan): string[] {
  const settings = sysctlJob(node).settings.map(([, path, value]) => `${path}=${value}`);
  return ['sysctl', '-q', '-w', ...settings];
}

export interface SysctlSetter {
  /** Sets the nodes' sysctls (call once, when every device they name exists). */
  apply(nodes: readonly NodePlan[]): Promise<void>;
  /** Ends the setter unused, when the build fails before `apply`. */
  cancel(): void;
}

/**
 * Starts the setter at once, so that python's start-up overlaps the build's first batches; it
 * waits for its job on stdin.
 */
export function startSysctlSetter(signal: AbortSignal | undefined): SysctlSetter {
  const input = new PassThrough();
  const running = runCommand([PYTHON, '-I', '-S', SETTER], {
    action: 'set sysctls',
    stage: 'build',
    input,
    signal,
  });
  running.catch(() => undefined);
  return {
    async apply(nodes) {
      const jobs = nodes.map(sysctlJob).filter((job) => job.settings.length > 0);
      input.end(JSON.stringify(jobs));
      await running.catch((error: unknown) => {
        throw named(error);
      });
    },
    cancel() {
      if (!input.writableEnded) input.end('[]');
    },
  };
}

/** The setter's failure as the node and key it names. */
function named(error: unknown): unknown {
  if (!(error instanceof NatlabError)) return error;
  const line = error.stderr?.trim().split('\n').at(-1) ?? '';
  let failure: { node?: string; key?: string | null; error?: string };
  try {
    failure = JSON.parse(line) as typeof failure;
  } catch {
    return error;
  }
  const what = failure.key ? `${failure.key}: ${failure.error}` : failure.error;
  return new NatlabError(`failed to set sysctls on ${failure.node}: ${what}`, {
    code: error.code,
    stage: 'build',
    node: failure.node,
    command: error.command,
    stderr: error.stderr,
    cause: error,
  });
}
