// A step's resets: the conntrack table flushed, or every rule counter back to 0.

import type { Topology } from '../backend/topology.ts';
import { iptablesTools } from '../scenario/command-lists.ts';
import type { RulesetDef } from '../scenario/define-scenario.ts';

/** Both families' tables on an IPv6 node: newer kernels flush only the family asked for. */
export async function resetConntrack(topology: Topology, node: string): Promise<string> {
  const flush = (argv: string[]) =>
    topology.exec(node, argv, { action: 'flush conntrack', stage: 'steps' });
  await flush(['conntrack', '-F']);
  if (topology.plan.nodes.find((n) => n.name === node)?.ipv6)
    await flush(['conntrack', '-F', '-f', 'ipv6']);
  return `${node}: conntrack flushed`;
}

/**
 * iptables and ip6tables: -Z on each table their -save lists. nft: `nft reset rules` (nftables 1.0.7 on);
 * before that, the ruleset reloaded with its counters at 0 in one transaction, which renumbers
 * handles only where they were not in listing order.
 */
export async function resetCounters(
  topology: Topology,
  node: string,
  active: readonly RulesetDef[],
): Promise<string> {
  const formats = new Set(active.map((r) => r.format));
  const run = (argv: string[], input?: string) =>
    topology.exec(node, argv, { action: `reset ${argv[0]} counters`, stage: 'steps', input });
  for (const tool of iptablesTools(formats)) {
    const saved = await run([`${tool}-save`]);
    for (const table of saved.stdout.matchAll(/^\*(\S+)$/gm))
      await run([tool, '-t', table[1] ?? 'filter', '-Z']);
  }
  if (formats.has('nft') || formats.has('openwrt')) {
    const reset = await topology.exec(node, ['nft', 'reset', 'rules'], {
      action: 'reset nft counters',
      stage: 'steps',
      allowFailure: true,
    });
    if (reset.exitCode !== 0) {
      const listed = await run(['nft', 'list', 'ruleset']);
      const zeroed = listed.stdout.replace(/packets \d+ bytes \d+/g, 'packets 0 bytes 0');
      await run(['nft', '-f', '-'], `flush ruleset\n${zeroed}`);
    }
  }
  return `${node}: rule counters reset`;
}
