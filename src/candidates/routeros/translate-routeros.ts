// What each RouterOS NAT rule means in nft: one statement per `add`, the whole export one nft table.
// Pure. Every property is either translated or refused with its line and column: nothing is dropped.

import { type AddCommand, lexRouterOs, type Property } from './lex-routeros.ts';
import { filterTable, translateFilterRule } from './routeros-filter.ts';
import { withExportLists } from './routeros-lists.ts';
import { isAddress, type Negatable, translateMatches } from './routeros-matches.ts';
import { type Fail, ruleStatement, takeProperties } from './routeros-rule.ts';

export interface RouterOsMaps {
  /** RouterOS interface name (ether1, WAN, bridge...) → scenario interface. */
  interfaces: Record<string, string>;
  /** RouterOS interface list → scenario interfaces. */
  interfaceLists: Record<string, string[]>;
}

export interface TranslatedRule {
  /** Where the rule started in the export. */
  line: number;
  chain: 'dstnat' | 'srcnat';
  /** The nft statement, or undefined for a disabled rule. */
  nft?: string;
  source: string;
}

const ACTIONS = new Set([
  'dst-nat',
  'src-nat',
  'masquerade',
  'accept',
  'return',
  'redirect',
  'netmap',
]);
function translateRule(
  { properties, line, source }: AddCommand,
  maps: RouterOsMaps,
): TranslatedRule {
  const { take, fail, flag, leftover } = takeProperties(properties);

  const chainProp = take('chain');
  const chain = chainProp?.value;
  if (!chainProp || (chain !== 'dstnat' && chain !== 'srcnat')) {
    const where = chainProp ?? { key: 'chain', value: '', line, column: 1 };
    throw fail(where, `chain must be dstnat or srcnat, not "${chain ?? ''}"`);
  }
  const disabled = flag('disabled');
  const comment = take('comment');
  const logs = flag('log');
  const logPrefix = take('log-prefix');
  const actionProp = take('action');
  const action = actionProp?.value ?? 'accept';
  if (actionProp && !ACTIONS.has(action))
    throw fail(actionProp, `action "${action}" is not supported`);

  const { matches, protocol } = translateMatches({ take, maps, fail });

  const verdict = translateAction({
    action,
    chain,
    toAddresses: take('to-addresses'),
    toPorts: take('to-ports'),
    protocol,
    actionProp,
    fail,
  });
  const unknown = leftover();
  if (unknown) throw fail(unknown, 'unknown or unsupported property');
  const statement = ruleStatement({
    matches,
    log: logs ? (logPrefix?.value ?? `${chain}: `) : undefined,
    verdict,
    comment: comment?.value,
  });
  return { line, chain, nft: disabled ? undefined : statement, source };
}

function translateAction({
  action,
  chain,
  toAddresses,
  toPorts,
  protocol,
  actionProp,
  fail,
}: {
  action: string;
  chain: 'dstnat' | 'srcnat';
  toAddresses: Property | undefined;
  toPorts: Property | undefined;
  protocol: Negatable | undefined;
  actionProp: Property | undefined;
  fail: Fail;
}): string {
  if (toAddresses && !isAddress(toAddresses.value)) {
    throw fail(toAddresses, `"${toAddresses.value}" is not an IPv4 address, CIDR or range`);
  }
  if (toPorts) {
    if (!/^\d{1,5}(-\d{1,5})?$/.test(toPorts.value))
      throw fail(toPorts, `"${toPorts.value}" is not a port or range`);
    if (!protocol || protocol.not) throw fail(toPorts, 'to-ports needs protocol=tcp or udp');
  }
  const port = toPorts ? `:${toPorts.value}` : '';
  const where = actionProp ?? toAddresses ?? toPorts;
  const needs = (what: string) => {
    if (where) return fail(where, what);
    return new Error(what);
  };
  switch (action) {
    case 'dst-nat':
    case 'src-nat': {
      const wanted = action === 'dst-nat' ? 'dstnat' : 'srcnat';
      if (chain !== wanted) throw needs(`${action} belongs in chain=${wanted}`);
      if (!toAddresses) throw needs(`${action} needs to-addresses`);
      return `${action === 'dst-nat' ? 'dnat' : 'snat'} to ${toAddresses.value}${port}`;
    }
    case 'masquerade':
      if (chain !== 'srcnat') throw needs('masquerade belongs in chain=srcnat');
      if (toAddresses) throw fail(toAddresses, 'masquerade takes no to-addresses');
      return `masquerade${port ? ` to ${port}` : ''}`;
    case 'redirect':
      if (chain !== 'dstnat') throw needs('redirect belongs in chain=dstnat');
      if (toAddresses) throw fail(toAddresses, 'redirect takes no to-addresses');
      return `redirect${port ? ` to ${port}` : ''}`;
    case 'netmap':
      if (!toAddresses?.value.includes('/')) throw needs('netmap needs to-addresses as a CIDR');
      if (toPorts) throw fail(toPorts, 'netmap takes no to-ports');
      return `${chain === 'dstnat' ? 'dnat' : 'snat'} ip prefix to ${toAddresses.value}`;
    default:
      for (const p of [toAddresses, toPorts]) if (p) throw fail(p, `${action} takes no ${p.key}`);
      return action;
  }
}

/** The export's commands, and the maps with the interface lists it declares. */
function readExport(source: string, maps: RouterOsMaps) {
  const commands = [...lexRouterOs(source)];
  return { commands, maps: withExportLists(commands, maps) };
}

/** Each `add` of the export's `/ip firewall nat` translated, in order. */
export function parseRouterOs(source: string, maps: RouterOsMaps): TranslatedRule[] {
  const read = readExport(source, maps);
  return read.commands
    .filter((c) => c.menu === '/ip firewall nat')
    .map((command) => translateRule(command, read.maps));
}

/**
 * The nft ruleset for a RouterOS export: the NAT rules in table ip routeros_nat, the filter rules in
 * table ip routeros_filter, each in their original order. An export with filter rules only has no
 * NAT table.
 */
export function routerOsToNft(source: string, maps: RouterOsMaps): string {
  const read = readExport(source, maps);
  const filters = read.commands
    .filter((c) => c.menu === '/ip firewall filter')
    .map((command) => translateFilterRule(command, read.maps));
  const rules = parseRouterOs(source, maps);
  const nat = rules.length > 0 || filters.length === 0 ? natTable(rules) : '';
  return `${nat}${filters.length > 0 ? filterTable(filters) : ''}`;
}

function natTable(rules: readonly TranslatedRule[]): string {
  const chain = (name: 'dstnat' | 'srcnat', hook: string) => {
    const body = rules
      .filter((r) => r.chain === name)
      .map((r) => `\t\t${r.nft ?? `# disabled (line ${r.line}): ${r.source.replace(/\n/g, ' ')}`}`);
    return [
      `\tchain ${name} {`,
      `\t\ttype nat hook ${hook} priority ${name}; policy accept;`,
      ...body,
      '\t}',
    ].join('\n');
  };
  return [
    'table ip routeros_nat {',
    chain('dstnat', 'prerouting'),
    chain('srcnat', 'postrouting'),
    '}',
    '',
  ].join('\n');
}
