// MikroTik RouterOS `/ip firewall nat` exports, translated to an nft ruleset with the same meaning.
// Pure. Every property is either translated or refused with its line and column: nothing is dropped.

import { parseAddress, parseCidr } from '../net/addresses.ts';

export interface RouterOsMaps {
  /** RouterOS interface name (ether1, WAN, bridge...) → scenario interface. */
  interfaces: Record<string, string>;
  /** RouterOS interface list → scenario interfaces. */
  interfaceLists: Record<string, string[]>;
}

export class RouterOsError extends Error {
  override readonly name = 'RouterOsError';
  constructor(
    readonly line: number,
    readonly column: number,
    readonly property: string | undefined,
    reason: string,
  ) {
    super(`line ${line}, column ${column}${property ? `, property ${property}` : ''}: ${reason}`);
  }
}

/** A character of a logical line and where it stood in the file (continuations join lines). */
interface Located {
  text: string;
  at: { line: number; column: number }[];
}

interface Property {
  key: string;
  value: string;
  line: number;
  column: number;
}

const MENU = '/ip firewall nat';

/** Joins backslash continuations, drops comments and blank lines, keeps every position. */
function logicalLines(source: string): Located[] {
  const lines: Located[] = [];
  let current: Located | undefined;
  source.split(/\r?\n/).forEach((raw, index) => {
    const continues = /\\\s*$/.test(raw);
    const body = continues ? raw.replace(/\\\s*$/, '') : raw;
    const start = current ? body.length - body.trimStart().length : 0;
    const piece = current ? body.trimStart() : body;
    current ??= { text: '', at: [] };
    if (current.text && piece) {
      current.text += ' ';
      current.at.push({ line: index + 1, column: start + 1 });
    }
    for (let i = 0; i < piece.length; i++) {
      current.text += piece[i];
      current.at.push({ line: index + 1, column: start + i + 1 });
    }
    if (continues) return;
    const trimmed = current.text.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) lines.push(current);
    current = undefined;
  });
  if (current) lines.push(current);
  return lines;
}

function position(line: Located, index: number): { line: number; column: number } {
  return line.at[Math.min(index, line.at.length - 1)] ?? { line: 0, column: 0 };
}

/** Splits `key=value` words, honouring "quoted values with spaces". */
function words(line: Located, from: number): { word: string; index: number }[] {
  const found: { word: string; index: number }[] = [];
  const text = line.text;
  let i = from;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length) break;
    const start = i;
    let word = '';
    let quoted = false;
    while (i < text.length && (quoted || (text[i] !== ' ' && text[i] !== '\t'))) {
      const c = text[i] ?? '';
      if (c === '"') quoted = !quoted;
      else if (c === '\\' && quoted && i + 1 < text.length) word += text[++i];
      else word += c;
      i++;
    }
    if (quoted)
      throw new RouterOsError(
        position(line, start).line,
        position(line, start).column,
        undefined,
        'unterminated quote',
      );
    found.push({ word, index: start });
  }
  return found;
}

export interface TranslatedRule {
  /** Where the rule started in the export. */
  line: number;
  chain: 'dstnat' | 'srcnat';
  /** The nft statement, or undefined for a disabled rule. */
  nft?: string;
  source: string;
}

export function parseRouterOs(source: string, maps: RouterOsMaps): TranslatedRule[] {
  const rules: TranslatedRule[] = [];
  let menu: string | undefined;
  for (const line of logicalLines(source)) {
    const text = line.text;
    let commandAt = 0;
    if (text.trimStart().startsWith('/')) {
      const lead = text.length - text.trimStart().length;
      const rest = text.slice(lead);
      const match = /^(\/[a-z0-9 -]*?)(?=\s+(add|set|remove)\b|\s*$)/i.exec(rest);
      menu = (match?.[1] ?? rest).trim().replace(/\s+/g, ' ');
      if (menu !== MENU) {
        const at = position(line, lead);
        throw new RouterOsError(
          at.line,
          at.column,
          undefined,
          `menu "${menu}" is not supported; only ${MENU}`,
        );
      }
      commandAt = lead + (match?.[1]?.length ?? rest.length);
      if (text.slice(commandAt).trim() === '') continue;
    }
    const tokens = words(line, commandAt);
    const [command, ...props] = tokens;
    const at = position(line, command?.index ?? 0);
    if (!menu)
      throw new RouterOsError(
        at.line,
        at.column,
        undefined,
        `no menu before this line; expected ${MENU}`,
      );
    if (command?.word !== 'add') {
      throw new RouterOsError(
        at.line,
        at.column,
        undefined,
        `only "add" is supported, not "${command?.word}"`,
      );
    }
    const properties = props.map(({ word, index }): Property => {
      const p = position(line, index);
      const eq = word.indexOf('=');
      if (eq <= 0) throw new RouterOsError(p.line, p.column, word, 'expected property=value');
      return { key: word.slice(0, eq), value: word.slice(eq + 1), line: p.line, column: p.column };
    });
    rules.push(translateRule(properties, at.line, text.trim(), maps));
  }
  return rules;
}

/** Each property of the pairs that the rule has, taken out of it, with its "!" split off. */
function* present<F>(
  pairs: readonly (readonly [string, F])[],
  take: (key: string) => Property | undefined,
): Generator<{ p: Property; field: F; not: boolean; value: string }> {
  for (const [key, field] of pairs) {
    const p = take(key);
    if (p) yield { p, field, ...negatable(p.value) };
  }
}

/** Values that may start with "!" (RouterOS negation). */
function negatable(value: string): { not: boolean; value: string } {
  return value.startsWith('!') ? { not: true, value: value.slice(1) } : { not: false, value };
}

const op = (not: boolean) => (not ? '!= ' : '');

/** An IPv4 address, a CIDR, or a range "a-b", as RouterOS takes them. */
function isAddress(text: string): boolean {
  const [from = '', to, ...more] = text.split('-');
  const v4 = (a: string) => parseAddress(a)?.kind() === 'ipv4';
  if (more.length > 0) return false;
  if (to !== undefined) return v4(from) && v4(to);
  return v4(from) || parseCidr(from)?.address.kind() === 'ipv4';
}
const PORTS = /^\d{1,5}(-\d{1,5})?(,\d{1,5}(-\d{1,5})?)*$/;
const ADDRESS_TYPES = new Set(['local', 'unicast', 'broadcast', 'multicast']);
const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'gre', 'sctp', 'udp-lite']);
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

function translateRule(
  props: Property[],
  line: number,
  source: string,
  maps: RouterOsMaps,
): TranslatedRule {
  const fail = (p: Property, reason: string) => new RouterOsError(p.line, p.column, p.key, reason);
  const byKey = new Map<string, Property>();
  for (const p of props) {
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

  const matches: string[] = [];
  const protocolProp = take('protocol');
  const protocol = protocolProp ? negatable(protocolProp.value) : undefined;
  if (protocolProp && protocol && !PROTOCOLS.has(protocol.value)) {
    throw fail(protocolProp, `protocol "${protocol.value}" is not supported`);
  }
  for (const { p, field, not, value } of present(
    [
      ['src-address', 'saddr'],
      ['dst-address', 'daddr'],
    ] as const,
    take,
  )) {
    if (!isAddress(value)) throw fail(p, `"${value}" is not an IPv4 address, CIDR or range`);
    matches.push(`ip ${field} ${op(not)}${value}`);
  }
  for (const { p, field, not, value } of present(
    [
      ['src-address-type', 'saddr'],
      ['dst-address-type', 'daddr'],
    ] as const,
    take,
  )) {
    if (!ADDRESS_TYPES.has(value)) throw fail(p, `address type "${value}" is not supported`);
    matches.push(`fib ${field} type ${op(not)}${value}`);
  }
  if (protocol) {
    matches.push(`meta l4proto ${op(protocol.not)}${protocol.value}`);
  }
  for (const { p, field, not, value } of present(
    [
      ['src-port', 'sport'],
      ['dst-port', 'dport'],
    ] as const,
    take,
  )) {
    if (!PORTS.test(value)) throw fail(p, `"${value}" is not a port, list or range`);
    if (!protocol || protocol.not || !['tcp', 'udp', 'sctp', 'udp-lite'].includes(protocol.value)) {
      throw fail(p, 'ports need protocol=tcp or udp');
    }
    const set = value.includes(',') ? `{ ${value.split(',').join(', ')} }` : value;
    matches.push(`th ${field} ${op(not)}${set}`);
  }
  for (const { p, field, not, value } of present(
    [
      ['in-interface', 'iifname'],
      ['out-interface', 'oifname'],
    ] as const,
    take,
  )) {
    const mapped = maps.interfaces[value];
    if (!mapped)
      throw fail(
        p,
        `interface "${value}" has no scenario interface; map it with --iface-map ${value}=<iface>`,
      );
    matches.push(`${field} ${op(not)}"${mapped}"`);
  }
  for (const { p, field, not, value } of present(
    [
      ['in-interface-list', 'iifname'],
      ['out-interface-list', 'oifname'],
    ] as const,
    take,
  )) {
    const members = maps.interfaceLists[value];
    if (!members?.length)
      throw fail(p, `interface list "${value}" is not declared by the scenario`);
    matches.push(`${field} ${op(not)}{ ${members.map((m) => `"${m}"`).join(', ')} }`);
  }

  const verdict = translateAction(
    action,
    chain,
    take('to-addresses'),
    take('to-ports'),
    protocol,
    actionProp,
    fail,
  );
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

function translateAction(
  action: string,
  chain: 'dstnat' | 'srcnat',
  toAddresses: Property | undefined,
  toPorts: Property | undefined,
  protocol: { not: boolean; value: string } | undefined,
  actionProp: Property | undefined,
  fail: (p: Property, reason: string) => Error,
): string {
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
