// Reads rule counters from `nft -a list ruleset` and `iptables-save -c` (`ip6tables-save -c`) under
// keys that stay the same from run to run: table, chain and nft handle, or iptables position in its chain.

export interface RuleCounter {
  /**
   * Stable: "nft ip nat/postrouting#3" (table/chain#handle), "iptables nat/POSTROUTING#2" or
   * "ip6tables nat/POSTROUTING#2" (table/chain#position), or "nft ip nat/postrouting@1" (position,
   * nft without handles).
   */
  key: string;
  source: 'nft' | 'iptables' | 'ip6tables';
  /** nft: family and name ("ip nat"); iptables: the table ("nat"); ip6tables: "ip6" and the table ("ip6 nat"), as nft names IPv6's. */
  table: string;
  chain: string;
  /** nft only: the rule's handle (`nft -a`). */
  handle?: number;
  /** The rule's position among its chain's counted rules, from 1: the key where no handle is printed. */
  position: number;
  /** The rule's comment, if it has one. */
  comment?: string;
  /** The rule as the kernel prints it, without its live counts. */
  rule: string;
  packets: number;
  bytes: number;
}

/** iptables-save -c: "*nat" opens a table, "[pkts:bytes] -A CHAIN ..." is a rule with its counter. */
export function parseIptablesCounters(
  lines: readonly string[],
  source: 'iptables' | 'ip6tables' = 'iptables',
): RuleCounter[] {
  const counters: RuleCounter[] = [];
  const positions = new Map<string, number>();
  let table = '';
  for (const line of lines) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const m = /^\[(\d+):(\d+)\] (-A (\S+).*)$/.exec(line);
    if (!m) continue;
    const chain = m[4] ?? '';
    const position = nextPosition(positions, `${table}/${chain}`);
    const rule = m[3] ?? '';
    counters.push({
      key: `${source} ${table}/${chain}#${position}`,
      source,
      table: source === 'ip6tables' ? `ip6 ${table}` : table,
      chain,
      position,
      ...comment(/--comment (?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(rule)),
      rule,
      packets: Number(m[1]),
      bytes: Number(m[2]),
    });
  }
  return counters;
}

/**
 * nft rules that carry a `counter` statement; with -a each ends in "# handle N". A table nft says
 * iptables-nft manages holds iptables or ip6tables rules, counted from their -save under their
 * own key: it is left out, so no rule is counted twice.
 */
export function parseNftCounters(lines: readonly string[]): RuleCounter[] {
  const counters: RuleCounter[] = [];
  const positions = new Map<string, number>();
  for (const { line, table, chain } of nftLines(lines)) {
    const m = /counter packets (\d+) bytes (\d+)/.exec(line);
    if (!m) continue;
    const handle = /# handle (\d+)\s*$/.exec(line)?.[1];
    const position = nextPosition(positions, `${table}/${chain}`);
    counters.push({
      key: `nft ${table}/${chain}${handle ? `#${handle}` : `@${position}`}`,
      source: 'nft',
      table,
      chain,
      ...(handle ? { handle: Number(handle) } : {}),
      position,
      ...comment(/comment "((?:[^"\\]|\\.)*)"/.exec(line)),
      rule: line
        .replace(/\s*# handle \d+\s*$/, '')
        .replace(/counter packets \d+ bytes \d+/, 'counter')
        .trim(),
      packets: Number(m[1]),
      bytes: Number(m[2]),
    });
  }
  return counters;
}

/**
 * Each line of `nft list ruleset` with the table and chain it is in, leaving out the tables nft's
 * stderr says iptables-nft manages: iptables-save reads those, not nft.
 */
export function nftLines(
  lines: readonly string[],
): { line: string; table: string; chain: string }[] {
  const managed = new Set<string>();
  for (const line of lines) {
    const byIptables = /# Warning: table (\S+ \S+) is managed by iptables-nft/.exec(line);
    if (byIptables) managed.add(byIptables[1] ?? '');
  }
  const placed: { line: string; table: string; chain: string }[] = [];
  let table = '';
  let chain = '';
  for (const line of lines) {
    const t = /^table (\S+ \S+)/.exec(line);
    if (t) table = t[1] ?? '';
    const c = /^\s*chain (\S+) \{/.exec(line);
    if (c) chain = c[1] ?? '';
    if (!managed.has(table)) placed.push({ line, table, chain });
  }
  return placed;
}

function comment(m: RegExpExecArray | null): { comment?: string } {
  const text = m?.[1] ?? m?.[2];
  return text === undefined ? {} : { comment: text };
}

/** Counts rules per table/chain as they are read: the position of this one, from 1. */
function nextPosition(positions: Map<string, number>, chain: string): number {
  const position = (positions.get(chain) ?? 0) + 1;
  positions.set(chain, position);
  return position;
}
