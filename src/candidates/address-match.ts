// Does a candidate ruleset speak of the scenario's addresses? A port forward written for the user's
// own public address (198.51.100.7) fails every check of a lab whose router has 203.0.113.1, for a
// reason that has nothing to do with the rules. Found before any lab is built, and said plainly.
// Reads the NAT rules of the ruleset natlab applies (RouterOS arrives here translated to nft).

import { addressMatches, parseAddressPattern } from '../net/addresses.ts';
import type { RulesetDef, ScenarioDef } from '../scenario/define-scenario.ts';

export interface NatAddresses {
  /** Per DNAT rule, the destination addresses it matches (address, CIDR; any one may match). */
  dnatMatches: string[][];
  /** Where DNAT rules send traffic. */
  dnatTargets: string[];
  /** What SNAT rules rewrite sources to. */
  snatSources: string[];
}

/** The NAT addresses of iptables (restore or command lines) and nft rules; others have none. */
export function natAddressesOf(ruleset: RulesetDef): NatAddresses {
  const found: NatAddresses = { dnatMatches: [], dnatTargets: [], snatSources: [] };
  for (const line of ruleset.text.split('\n')) {
    const rule = line.replace(/#.*/, '').trim();
    if (ruleset.format === 'nft') readNftRule(rule, found);
    else if (ruleset.format === 'iptables' || ruleset.format === 'iptables-commands')
      readIptablesRule(rule, found);
  }
  return found;
}

function readIptablesRule(rule: string, found: NatAddresses): void {
  const words = rule.split(/\s+/);
  const after = (...flags: string[]) => {
    const i = words.findIndex((w) => flags.includes(w));
    return i < 0 || words[i + 1] === '!' ? undefined : words[i + 1];
  };
  const target = after('-j', '--jump');
  if (target === 'DNAT') {
    const dst = words.includes('!') ? undefined : after('-d', '--dst', '--destination');
    if (dst) found.dnatMatches.push(dst.split(','));
    const to = after('--to-destination', '--to');
    if (to) found.dnatTargets.push(hostOf(to));
  } else if (target === 'SNAT') {
    const to = after('--to-source', '--to');
    if (to) found.snatSources.push(hostOf(to));
  }
}

function readNftRule(rule: string, found: NatAddresses): void {
  const dnat = /\bdnat (?:ip )?to ([^\s;]+)/.exec(rule);
  const snat = /\bsnat (?:ip )?to ([^\s;]+)/.exec(rule);
  if (dnat?.[1]) {
    found.dnatTargets.push(hostOf(dnat[1]));
    const daddr = /\bip daddr (\{[^}]*\}|[^\s{!][^\s]*)/.exec(rule)?.[1];
    if (daddr)
      found.dnatMatches.push(
        daddr
          .replace(/[{}\s]/g, '')
          .split(',')
          .filter(Boolean),
      );
  }
  if (snat?.[1]) found.snatSources.push(hostOf(snat[1]));
}

/** 192.168.1.2:8080 → 192.168.1.2; a range a-b → a. */
function hostOf(text: string): string {
  return (text.split('-')[0] ?? text).replace(/:\d+$/, '');
}

/**
 * Plain sentences, one per address of the candidate the scenario lacks; none when they match or
 * when the rules name no address natlab can read (a set, a variable, a name).
 */
export function addressMismatches(def: ScenarioDef, ruleset: RulesetDef): string[] {
  const natNode = def.nat?.node;
  if (!natNode) return [];
  const own = addressesOf(def, (name) => name === natNode);
  const hosts = addressesOf(def, () => true);
  const ownText = own.map((a) => `${a.address} on ${a.iface}`).join(', ');
  const { dnatMatches, dnatTargets, snatSources } = natAddressesOf(ruleset);
  const problems: string[] = [];
  for (const matches of dnatMatches) {
    const patterns = matches.map((m) => parseAddressPattern(m));
    // Unreadable (a name, a variable): natlab cannot tell, so it says nothing.
    if (patterns.some((p) => p === undefined)) continue;
    const hit = patterns.some((p) => p && own.some((a) => addressMatches(p, a.address)));
    if (!hit) {
      problems.push(
        `it forwards traffic for ${matches.join(', ')}, but the scenario's ${natNode} has ${ownText}`,
      );
    }
  }
  for (const target of new Set(dnatTargets)) {
    if (parseAddressPattern(target) === undefined) continue;
    if (hosts.some((a) => a.address === target)) continue;
    const servers = hosts
      .filter((a) => a.node !== natNode)
      .map((a) => `${a.node} ${a.address}`)
      .join(', ');
    problems.push(`it forwards to ${target}, which no node of the scenario has (${servers})`);
  }
  for (const source of new Set(snatSources)) {
    if (parseAddressPattern(source) === undefined) continue;
    if (own.some((a) => a.address === source)) continue;
    problems.push(`it rewrites sources to ${source}, but the scenario's ${natNode} has ${ownText}`);
  }
  return problems;
}

interface NodeAddress {
  node: string;
  iface: string;
  address: string;
}

function addressesOf(def: ScenarioDef, pick: (node: string) => boolean): NodeAddress[] {
  return Object.entries(def.nodes)
    .filter(([name]) => pick(name))
    .flatMap(([node, n]) =>
      Object.entries(n.interfaces ?? {}).flatMap(([iface, i]) =>
        (i.addresses ?? []).map((cidr) => ({ node, iface, address: cidr.split('/')[0] ?? cidr })),
      ),
    );
}
