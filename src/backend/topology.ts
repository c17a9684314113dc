// The live lab handle (stage 3 output). Everything above the backend reaches nodes only through this.

import type { Stage } from '../errors.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import { type CommandOutput, runCommand } from '../system/run-command.ts';
import {
  type RunningProcess,
  type StartProcessOptions,
  startProcess,
} from '../system/start-process.ts';

export interface NodeCommandOptions {
  action: string;
  stage: Stage;
  input?: string;
  timeoutMs?: number;
  allowFailure?: boolean;
}

export interface Topology {
  plan: TopologyPlan;
  /** Runs argv inside a node and waits; a non-zero exit throws a NatlabError naming the node. */
  exec(node: string, argv: readonly string[], options: NodeCommandOptions): Promise<CommandOutput>;
  /** Starts a long-running argv inside a node and resolves once it prints its ready line. */
  start(
    node: string,
    argv: readonly string[],
    options: Omit<StartProcessOptions, 'node' | 'signal'>,
  ): Promise<RunningProcess>;
  /** How a person enters a node by hand (for --keep). */
  enterCommand(node: string): string;
}

/** A backend only has to say how to run argv inside a node; the rest is shared. */
export function makeTopology(
  plan: TopologyPlan,
  enter: (node: string, argv: readonly string[]) => string[],
  signal: AbortSignal | undefined,
): Topology {
  return {
    plan,
    exec: (node, argv, options) => runCommand(enter(node, argv), { ...options, node, signal }),
    start: (node, argv, options) => startProcess(enter(node, argv), { ...options, node, signal }),
    enterCommand: (node) => enter(node, ['bash']).join(' '),
  };
}
