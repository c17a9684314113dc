// What each RouterOS NAT rule means in nft: one statement per `add`, the whole export one nft table.
// Pure. Every property is either translated or refused with its line and column: nothing is dropped.

import { type AddCommand, lexRouterOs, type Property, RouterOsError } from './lex-routeros.ts';
import { isAddress, type Negatable, translateMatches } from './routeros-matches.ts';

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
/** RouterOS takes unambiguous abbreviations; exports and the wiki use these. */
const ALIASES: Record<string, string> = { 'to-address': 'to-addresses', 'to-port': 'to-ports' };

type Fail = (p: Property, reason: string) => RouterOsError;

function translateRule(
  { properties, line, source }: AddCommand,
  maps: RouterOsMaps,
): TranslatedRule {
  const fail: Fail = (p, reason) => new RouterOsError(p.line, p.column, p.key, reason);
  const byKey = new Map<string, Property>();
  for (const p of properties) {
    const key = ALIASES[p.key] ?? p.key;
    if (byKey.has(key)) throw fail(p, 'given twice');
    byKey.set(key, { ...p, key });
  }
  const take = (key: string) => {
    const p = byKey.get(key);
    byKey.delete(key);
    return p;
  };

  const chainProp = take('chain');
  const chain = chainProp?.value;
  if (!chainProp || (chain !== 'dstnat' && chain !== 'srcnat')) {
    const where = chainProp ?? { key: 'chain', value: '', line, column: 1 };
    throw fail(where, `chain must be dstnat or srcnat, not "${chain ?? ''}"`);
  }
  const disabled = take('disabled');
  const comment = take('comment');
  const log = take('log');
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
  const unknown = [...byKey.values()][0];
  if (unknown) throw fail(unknown, 'unknown or unsupported property');

  if (disabled && !['yes', 'no', 'true', 'false'].includes(disabled.value)) {
    throw fail(disabled, 'disabled must be yes or no');
  }
  if (log && !['yes', 'no', 'true', 'false'].includes(log.value))
    throw fail(log, 'log must be yes or no');
  const logs = log?.value === 'yes' || log?.value === 'true';
  // RouterOS counts every rule; so does the translation, so the report can say which rules matched.
  const statement = [
    ...matches,
    'counter',
    ...(logs ? [`log prefix ${quote(logPrefix?.value ?? `${chain}: `)}`] : []),
    verdict,
    ...(comment ? [`comment ${quote(comment.value)}`] : []),
  ].join(' ');
  const off = disabled?.value === 'yes' || disabled?.value === 'true';
  return { line, chain, nft: off ? undefined : statement, source };
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

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '')}"`;
}

/** Each `add` of the export translated, in order. */
export function parseRouterOs(source: string, maps: RouterOsMaps): TranslatedRule[] {
  return Array.from(lexRouterOs(source), (command) => translateRule(command, maps));
}

/** The nft ruleset for a RouterOS export: one table, its rules in their original order. */
export function routerOsToNft(source: string, maps: RouterOsMaps): string {
  const rules = parseRouterOs(source, maps);
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
