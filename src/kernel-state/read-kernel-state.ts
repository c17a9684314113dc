// Stage 6b, after the traffic: what netfilter itself says, because a drop inside netfilter never
// shows in a capture. Per node with rules: the conntrack table and each rule's packet counter.

import type { Topology } from '../backend/topology.ts';
import { NatlabError } from '../errors.ts';
import { settleAll } from '../system/settle-all.ts';

export interface RuleCounter {
  table: string;
  /** The rule as the kernel prints it. */
  rule: string;
  packets: number;
  bytes: number;
}

export interface KernelState {
  node: string;
  /** conntrack -L, one flow per line; or why it could not be read. */
  conntrack: string[];
  counters: RuleCounter[];
}

export async function readKernelState(topology: Topology): Promise<KernelState[]> {
  const nodes = topology.plan.nodes.filter((n) => n.rulesets.length > 0);
  return settleAll(
    nodes.map(async (node): Promise<KernelState> => {
      const formats = new Set(node.rulesets.map((r) => r.format));
      const read = (argv: string[]) => readOrExplain(topology, node.name, argv);
      const conntrack = await read(['conntrack', '-L']);
      const counters: RuleCounter[] = [];
      if (formats.has('iptables') || formats.has('iptables-commands')) {
        counters.push(...parseIptablesCounters(await read(['iptables-save', '-c'])));
      }
      if (formats.has('nft') || formats.has('openwrt'))
        counters.push(...parseNftCounters(await read(['nft', 'list', 'ruleset'])));
      return { node: node.name, conntrack: conntrack.filter((l) => l.trim() !== ''), counters };
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

/** iptables-save -c: "*nat" opens a table, "[pkts:bytes] -A CHAIN ..." is a rule with its counter. */
export function parseIptablesCounters(lines: readonly string[]): RuleCounter[] {
  const counters: RuleCounter[] = [];
  let table = '';
  for (const line of lines) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const m = /^\[(\d+):(\d+)\] (-A .*)$/.exec(line);
    if (m) counters.push({ table, rule: m[3] ?? '', packets: Number(m[1]), bytes: Number(m[2]) });
  }
  return counters;
}

/** nft rules that carry a `counter` statement: "... counter packets N bytes M ...". */
export function parseNftCounters(lines: readonly string[]): RuleCounter[] {
  const counters: RuleCounter[] = [];
  let table = '';
  for (const line of lines) {
    const t = /^table (\S+ \S+)/.exec(line);
    if (t) table = t[1] ?? '';
    const m = /counter packets (\d+) bytes (\d+)/.exec(line);
    if (m) counters.push({ table, rule: line.trim(), packets: Number(m[1]), bytes: Number(m[2]) });
  }
  return counters;
}
