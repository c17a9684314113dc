// A step's resets: the conntrack table flushed, or every rule counter back to 0.

import type { Topology } from '../backend/topology.ts';
import type { RulesetDef } from '../scenario/define-scenario.ts';

export async function resetConntrack(topology: Topology, node: string): Promise<string> {
  await topology.exec(node, ['conntrack', '-F'], { action: 'flush conntrack', stage: 'steps' });
  return `${node}: conntrack flushed`;
}

/**
 * iptables: -Z on each table iptables-save lists. nft: `nft reset rules` (nftables 1.0.7 on);
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
  if (formats.has('iptables') || formats.has('iptables-commands')) {
    const saved = await run(['iptables-save']);
    for (const table of saved.stdout.matchAll(/^\*(\S+)$/gm))
      await run(['iptables', '-t', table[1] ?? 'filter', '-Z']);
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
