// Could a counted rule have matched this packet? Read from the rule as the kernel prints it
// (iptables-save or nft), only for what the text says plainly: protocol, addresses, ports and the
// input interface. Whatever else a rule matches on (ct state, marks, sets) is taken as "could".

import { addressMatches, parseAddressPattern } from '../net/addresses.ts';

/** A packet's header as a rule on the node would see it. */
export interface RuleHeader {
  proto: 'tcp' | 'udp' | 'icmp';
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  /** The interface it came in on. */
  iif?: string;
}

type Field = 'proto' | 'saddr' | 'daddr' | 'sport' | 'dport' | 'iif';

interface Constraint {
  field: Field;
  not: boolean;
  values: string[];
}

const list = (text: string) =>
  text
    .replace(/[{}"]/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);

/** The constraints iptables-save prints: "-p tcp", "! -s 10.0.0.0/8", "--dport 80", "--dports 80,443". */
function iptablesConstraints(rule: string): Constraint[] {
  const found: Constraint[] = [];
  const flags: [RegExp, Field][] = [
    [/(!\s+)?-p (\S+)/g, 'proto'],
    [/(!\s+)?-s (\S+)/g, 'saddr'],
    [/(!\s+)?-d (\S+)/g, 'daddr'],
    [/(!\s+)?--sports? (\S+)/g, 'sport'],
    [/(!\s+)?--dports? (\S+)/g, 'dport'],
    [/(!\s+)?-i (\S+)/g, 'iif'],
  ];
  for (const [pattern, field] of flags)
    for (const m of rule.matchAll(pattern))
      found.push({ field, not: Boolean(m[1]), values: list((m[2] ?? '').replace(/:/g, '-')) });
  return found;
}

const NFT_VALUE = '(!= )?(\\{[^}]*\\}|\\S+)';

/** The constraints nft prints: "ip daddr 10.0.0.2", "tcp dport { 80, 443 }", "iifname "lan0"". */
function nftConstraints(rule: string): Constraint[] {
  const found: Constraint[] = [];
  const add = (pattern: string, field: Field, values?: (m: RegExpMatchArray) => string) => {
    for (const m of rule.matchAll(new RegExp(pattern, 'g')))
      found.push({ field, not: Boolean(m[1]), values: list(values ? values(m) : (m[2] ?? '')) });
  };
  add(`ip6? saddr ${NFT_VALUE}`, 'saddr');
  add(`ip6? daddr ${NFT_VALUE}`, 'daddr');
  add(`(?:meta l4proto|ip protocol) ${NFT_VALUE}`, 'proto');
  add(`\\b(?:tcp|udp|th) sport ${NFT_VALUE}`, 'sport');
  add(`\\b(?:tcp|udp|th) dport ${NFT_VALUE}`, 'dport');
  add(`\\biif(?:name)? ${NFT_VALUE}`, 'iif');
  // "tcp dport 80" says the protocol too.
  for (const m of rule.matchAll(/\b(tcp|udp) [sd]port\b/g))
    found.push({ field: 'proto', not: false, values: [m[1] ?? ''] });
  return found;
}

function holds(c: Constraint, header: RuleHeader): boolean {
  const one = (value: string): boolean | undefined => {
    switch (c.field) {
      case 'proto':
        if (value === 'all') return true;
        return /^[a-z]+$/.test(value) ? value === header.proto : undefined;
      case 'saddr':
      case 'daddr': {
        const pattern = parseAddressPattern(value);
        return pattern
          ? addressMatches(pattern, c.field === 'saddr' ? header.src : header.dst)
          : undefined;
      }
      case 'sport':
      case 'dport': {
        const port = c.field === 'sport' ? header.sport : header.dport;
        const [from, to = from] = value.split('-').map(Number);
        if (port === undefined || from === undefined || Number.isNaN(from)) return undefined;
        return port >= from && port <= (to ?? from);
      }
      case 'iif':
        if (header.iif === undefined) return undefined;
        // iptables "-i eth+" and nft "eth*" are prefixes.
        return /[+*]$/.test(value)
          ? header.iif.startsWith(value.slice(0, -1))
          : value === header.iif;
    }
  };
  const answers = c.values.map(one);
  // A value natlab cannot read (a set name, a range form it does not know) could match.
  if (answers.some((a) => a === undefined)) return true;
  const any = answers.some(Boolean);
  return c.not ? !any : any;
}

/** False only when the rule's text rules this header out. */
export function ruleCouldMatch(rule: string, header: RuleHeader): boolean {
  const constraints = rule.startsWith('-A ') ? iptablesConstraints(rule) : nftConstraints(rule);
  return constraints.every((c) => holds(c, header));
}

/** Where a counted DNAT rule sends what it matches: "--to-destination A[:P]", "dnat [ip] to A[:P]". */
export function dnatTarget(rule: string): { address: string; port?: number } | undefined {
  const m = /(?:--to-destination|\bdnat (?:ip )?to) (\d+\.\d+\.\d+\.\d+)(?::(\d+))?/.exec(rule);
  if (!m?.[1]) return undefined;
  return { address: m[1], ...(m[2] ? { port: Number(m[2]) } : {}) };
}
