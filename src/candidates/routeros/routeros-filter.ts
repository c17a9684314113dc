// What each RouterOS `/ip firewall filter` rule means in nft: one statement per `add`, in a table of
// its own (ip routeros_filter) whose input, forward and output chains have policy accept, as
// RouterOS's built-in chains do. Pure. Every property is translated or refused with its line.

import type { AddCommand } from './lex-routeros.ts';
import { translateMatches } from './routeros-matches.ts';
import { type PropertyTaker, ruleStatement, takeProperties } from './routeros-rule.ts';
import type { RouterOsMaps } from './translate-routeros.ts';

export const FILTER_CHAINS = ['input', 'forward', 'output'] as const;
export type FilterChain = (typeof FILTER_CHAINS)[number];

export interface FilterRule {
  line: number;
  chain: FilterChain;
  /** The nft statement, or undefined for a disabled rule. */
  nft?: string;
  source: string;
}

/** fasttrack-connection only speeds accepted connections up; passthrough counts and goes on. */
const VERDICTS: Record<string, string | undefined> = {
  accept: 'accept',
  drop: 'drop',
  reject: 'reject',
  'fasttrack-connection': 'accept',
  passthrough: undefined,
};

const CONNECTION_STATES = new Set(['established', 'related', 'new', 'invalid', 'untracked']);
const NAT_STATES: Record<string, string> = { dstnat: 'dnat', srcnat: 'snat' };

/** The matches only filter rules take: conntrack state, NAT state and IPsec policy. */
function stateMatches({ take, fail }: PropertyTaker): string[] {
  const matches: string[] = [];
  const state = take('connection-state');
  if (state) {
    const not = state.value.startsWith('!');
    const states = (not ? state.value.slice(1) : state.value).split(',');
    const bad = states.find((s) => !CONNECTION_STATES.has(s));
    if (bad !== undefined) throw fail(state, `connection state "${bad}" is not supported`);
    const set = states.length > 1 ? `{ ${states.join(', ')} }` : states[0];
    matches.push(`ct state ${not ? '!= ' : ''}${set}`);
  }
  const nat = take('connection-nat-state');
  if (nat) {
    const not = nat.value.startsWith('!');
    const bit = NAT_STATES[not ? nat.value.slice(1) : nat.value];
    if (!bit)
      throw fail(nat, `connection NAT state "${nat.value}" is not supported (dstnat or srcnat)`);
    matches.push(`ct status & ${bit} ${not ? '==' : '!='} 0`);
  }
  const ipsec = take('ipsec-policy');
  if (ipsec) {
    // in: the packet was decapsulated (it has a secpath); out: its route would encapsulate it.
    const m = /^(in|out),(ipsec|none)$/.exec(ipsec.value);
    if (!m) throw fail(ipsec, `ipsec-policy "${ipsec.value}" is not supported (in|out,ipsec|none)`);
    matches.push(
      `${m[1] === 'in' ? 'meta' : 'rt'} ipsec ${m[2] === 'ipsec' ? 'exists' : 'missing'}`,
    );
  }
  return matches;
}

export function translateFilterRule(
  { properties, line, source }: AddCommand,
  maps: RouterOsMaps,
): FilterRule {
  const taker = takeProperties(properties);
  const { take, fail, flag, leftover } = taker;
  const chainProp = take('chain');
  const chain = FILTER_CHAINS.find((c) => c === chainProp?.value);
  if (!chain) {
    const where = chainProp ?? { key: 'chain', value: '', line, column: 1 };
    throw fail(where, `chain must be input, forward or output, not "${chainProp?.value ?? ''}"`);
  }
  const disabled = flag('disabled');
  const comment = take('comment');
  const logs = flag('log');
  const logPrefix = take('log-prefix');
  const actionProp = take('action');
  const action = actionProp?.value ?? 'accept';
  if (actionProp && !(action in VERDICTS))
    throw fail(actionProp, `action "${action}" is not supported in a filter rule`);
  const { matches } = translateMatches({ take, maps, fail });
  const states = stateMatches(taker);
  const unknown = leftover();
  if (unknown) throw fail(unknown, 'unknown or unsupported property');
  const statement = ruleStatement({
    matches: [...matches, ...states],
    log: logs ? (logPrefix?.value ?? `${chain}: `) : undefined,
    verdict: VERDICTS[action],
    comment: comment?.value,
  });
  return { line, chain, nft: disabled ? undefined : statement, source };
}

/** The filter table: each chain's rules in their original order; disabled ones as comments. */
export function filterTable(rules: readonly FilterRule[]): string {
  const chain = (name: FilterChain) => [
    `\tchain ${name} {`,
    `\t\ttype filter hook ${name} priority filter; policy accept;`,
    ...rules
      .filter((r) => r.chain === name)
      .map((r) => `\t\t${r.nft ?? `# disabled (line ${r.line}): ${r.source.replace(/\n/g, ' ')}`}`),
    '\t}',
  ];
  return ['table ip routeros_filter {', ...FILTER_CHAINS.flatMap(chain), '}', ''].join('\n');
}
