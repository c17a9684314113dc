// Stage 6b, after the traffic: what netfilter itself says, because a drop inside netfilter never
// shows in a capture. Per node with rules: the conntrack table and each rule's packet counter.

import type { Topology } from '../backend/topology.ts';
import { NatlabError } from '../errors.ts';
import { rulesetFormats } from '../plan/topology-plan.ts';
import { iptablesTools } from '../scenario/command-lists.ts';
import { settleAll } from '../system/settle-all.ts';
import type { ConntrackEvents } from './conntrack-events.ts';
import { type ConntrackEntry, parseConntrack } from './parse-conntrack.ts';
import { parseIptablesCounters, parseNftCounters, type RuleCounter } from './parse-counters.ts';
import { type ChainPolicy, parseIptablesPolicies, parseNftPolicies } from './parse-policies.ts';

export type { ChainPolicy, ConntrackEntry, RuleCounter };

export interface KernelState {
  node: string;
  /** conntrack -L -o extended (on an IPv6 node, -f ipv4 and -f ipv6), one flow per line; or why it could not be read. */
  conntrack: string[];
  /** The same flows, parsed (each keeps its raw line). */
  entries: ConntrackEntry[];
  counters: RuleCounter[];
  /** Each base chain's policy, with its counter where the kernel keeps one (iptables). */
  policies: ChainPolicy[];
  /** conntrack's events over the run (only when a conntrack expectation asks `during: 'run'`). */
  conntrackEvents?: ConntrackEvents;
}

/** Every node that has rules at some point of the run, its steps' included. */
export async function readKernelState(topology: Topology): Promise<KernelState[]> {
  const nodes = topology.plan.nodes
    .map((node) => ({ node, formats: rulesetFormats(topology.plan, node.name) }))
    .filter((n) => n.formats.size > 0);
  return settleAll(
    nodes.map(async ({ node, formats }): Promise<KernelState> => {
      const read = (argv: string[], options?: { stderr: boolean }) =>
        readOrExplain(topology, node.name, argv, options);
      // An IPv6 node's table family by family: without -f, older conntrack lists IPv4's alone.
      const families = node.ipv6
        ? [
            ['-f', 'ipv4'],
            ['-f', 'ipv6'],
          ]
        : [[]];
      const conntrack: string[] = [];
      for (const family of families)
        conntrack.push(...(await read(['conntrack', '-L', ...family, '-o', 'extended'])));
      const counters: RuleCounter[] = [];
      const policies: ChainPolicy[] = [];
      for (const tool of iptablesTools(formats)) {
        const saved = await read([`${tool}-save`, '-c']);
        counters.push(...parseIptablesCounters(saved, tool));
        // Policies keyed as iptables' own; ip6tables' would take the same keys.
        if (tool === 'iptables') policies.push(...parseIptablesPolicies(saved));
      }
      if (formats.has('nft') || formats.has('openwrt')) {
        // nft warns on stderr of each table iptables-nft manages.
        const listed = await read(['nft', '-a', 'list', 'ruleset'], { stderr: true });
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

/**
 * The output's lines (with `stderr`, its warnings' after them); a tool that is missing or fails
 * becomes a line saying so, not a failed run.
 */
async function readOrExplain(
  topology: Topology,
  node: string,
  argv: string[],
  { stderr = false } = {},
): Promise<string[]> {
  try {
    const out = await topology.exec(node, argv, {
      action: `read ${argv[0]}`,
      stage: 'kernel-state',
      allowFailure: true,
      timeoutMs: 5000,
    });
    if (out.exitCode !== 0) return [`(${argv.join(' ')}: ${out.stderr.trim()})`];
    return [...out.stdout.split('\n'), ...(stderr ? out.stderr.split('\n') : [])];
  } catch (error) {
    return [
      `(${argv.join(' ')}: ${error instanceof NatlabError ? error.shortMessage : String(error)})`,
    ];
  }
}
