// Reads the policy of each base chain, keyed like the rule counters (parse-counters.ts), because a
// packet no rule dropped may still die at the end of its chain. iptables-save -c prints the policy
// with its counter (":FORWARD DROP [5:300]"); nft prints "policy drop;" and keeps no count for it.

import { nftLines } from './parse-counters.ts';

export interface ChainPolicy {
  /** "iptables filter/FORWARD" or "nft inet filter/forward": a counter key without its #rule. */
  key: string;
  source: 'nft' | 'iptables';
  /** nft: family and name ("inet filter"); iptables: the table ("filter"). */
  table: string;
  chain: string;
  /** The netfilter hook: iptables' built-in chain name, lower-cased; nft's `hook`. */
  hook: string;
  policy: 'accept' | 'drop';
  /** iptables only: packets and bytes the policy decided. */
  packets?: number;
  bytes?: number;
}

/** iptables-save -c: ":CHAIN POLICY [pkts:bytes]" after "*table"; user chains ("-") have none. */
export function parseIptablesPolicies(lines: readonly string[]): ChainPolicy[] {
  const policies: ChainPolicy[] = [];
  let table = '';
  for (const line of lines) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const m = /^:(\S+) (ACCEPT|DROP) \[(\d+):(\d+)\]/.exec(line);
    if (!m) continue;
    const chain = m[1] ?? '';
    policies.push({
      key: `iptables ${table}/${chain}`,
      source: 'iptables',
      table,
      chain,
      hook: chain.toLowerCase(),
      policy: m[2] === 'DROP' ? 'drop' : 'accept',
      packets: Number(m[3]),
      bytes: Number(m[4]),
    });
  }
  return policies;
}

/**
 * nft list ruleset: a base chain's "type T hook H priority P; policy drop;" line; not the tables
 * iptables-nft manages, whose policies iptables-save gives.
 */
export function parseNftPolicies(lines: readonly string[]): ChainPolicy[] {
  const policies: ChainPolicy[] = [];
  for (const { line, table, chain } of nftLines(lines)) {
    const m = /^\s*type \S+ hook (\S+)\b.*\bpolicy (accept|drop);/.exec(line);
    if (!m) continue;
    policies.push({
      key: `nft ${table}/${chain}`,
      source: 'nft',
      table,
      chain,
      hook: m[1] ?? '',
      policy: m[2] === 'drop' ? 'drop' : 'accept',
    });
  }
  return policies;
}
