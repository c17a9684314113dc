// Stage 6b, after the traffic: what netfilter itself says, because a drop inside netfilter never
// shows in a capture. Per node with rules: the conntrack table and each rule's packet counter.

import type { Topology } from '../backend/topology.ts';
import { NatlabError } from '../errors.ts';
import { rulesetFormats } from '../plan/topology-plan.ts';
import { settleAll } from '../system/settle-all.ts';
import { type ConntrackEntry, parseConntrack } from './parse-conntrack.ts';
import { parseIptablesCounters, parseNftCounters, type RuleCounter } from './parse-counters.ts';
import { type ChainPolicy, parseIptablesPolicies, parseNftPolicies } from './parse-policies.ts';

export type { ChainPolicy, ConntrackEntry, RuleCounter };

export interface KernelState {
  node: string;
  /** conntrack -L -o extended, one flow per line; or why it could not be read. */
  conntrack: string[];
  /** The same flows, parsed (each keeps its raw line). */
  entries: ConntrackEntry[];
  counters: RuleCounter[];
  /** Each base chain's policy, with its counter where the kernel keeps one (iptables). */
  policies: ChainPolicy[];
}

/** Every node that has rules at some point of the run, its steps' included. */
export async function readKernelState(topology: Topology): Promise<KernelState[]> {
  const nodes = topology.plan.nodes
    .map((node) => ({ node, formats: rulesetFormats(topology.plan, node.name) }))
    .filter((n) => n.formats.size > 0);
  return settleAll(
    nodes.map(async ({ node, formats }): Promise<KernelState> => {
      const read = (argv: string[]) => readOrExplain(topology, node.name, argv);
      const conntrack = await read(['conntrack', '-L', '-o', 'extended']);
      const counters: RuleCounter[] = [];
      const policies: ChainPolicy[] = [];
      if (formats.has('iptables') || formats.has('iptables-commands')) {
        const saved = await read(['iptables-save', '-c']);
        counters.push(...parseIptablesCounters(saved));
        policies.push(...parseIptablesPolicies(saved));
      }
      if (formats.has('nft') || formats.has('openwrt')) {
        const listed = await read(['nft', '-a', 'list', 'ruleset']);
        counters.push(...parseNftCounters(listed));
        policies.push(...parseNftPolicies(listed));
      }
      const flows = conntrack.filter((l) => l.trim() !== '');
      return {
        node: node.name,
        conntrack: flows,
        entries: parseConntrack(flows),
        counters,
        policies,
      };
    }),
  );
}

/** The output's lines; a tool that is missing or fails becomes a line saying so, not a failed run. */
async function readOrExplain(topology: Topology, node: string, argv: string[]): Promise<string[]> {
  try {
    const out = await topology.exec(node, argv, {
      action: `read ${argv[0]}`,
      stage: 'kernel-state',
      allowFailure: true,
      timeoutMs: 5000,
    });
    return out.exitCode === 0
      ? out.stdout.split('\n')
      : [`(${argv.join(' ')}: ${out.stderr.trim()})`];
  } catch (error) {
    return [
      `(${argv.join(' ')}: ${error instanceof NatlabError ? error.shortMessage : String(error)})`,
    ];
  }
}
