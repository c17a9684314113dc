// What each matching property of a RouterOS rule becomes in nft, and which of its values are refused.
// Pure: a table of {property, nft field, check, nft text}, in the order the nft statement lists them.

import { parseAddress, parseCidr } from '../../net/addresses.ts';
import type { Property } from './lex-routeros.ts';
import type { RouterOsMaps } from './translate-routeros.ts';

/** A value with its RouterOS negation ("!") split off. */
export interface Negatable {
  not: boolean;
  value: string;
}

function negatable(value: string): Negatable {
  return value.startsWith('!') ? { not: true, value: value.slice(1) } : { not: false, value };
}

const op = (not: boolean) => (not ? '!= ' : '');

/** An IPv4 address, a CIDR, or a range "a-b", as RouterOS takes them. */
export function isAddress(text: string): boolean {
  const [from = '', to, ...more] = text.split('-');
  const v4 = (a: string) => parseAddress(a)?.kind() === 'ipv4';
  if (more.length > 0) return false;
  if (to !== undefined) return v4(from) && v4(to);
  return v4(from) || parseCidr(from)?.address.kind() === 'ipv4';
}
const PORTS = /^\d{1,5}(-\d{1,5})?(,\d{1,5}(-\d{1,5})?)*$/;
const ADDRESS_TYPES = new Set(['local', 'unicast', 'broadcast', 'multicast']);
const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'gre', 'sctp', 'udp-lite']);
const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'udp-lite']);

/** What a match's check and rendering may look at besides its own value. */
interface RuleContext {
  maps: RouterOsMaps;
  protocol: Negatable | undefined;
}

/** A matching property: the nft field it becomes, why a value is refused, and its nft text. */
interface MatchRow {
  property: string;
  field: string;
  /** The reason the value is refused, or undefined when it is good. */
  refuse: (value: string, rule: RuleContext) => string | undefined;
  render: (match: Negatable & { field: string }, rule: RuleContext) => string;
}

type MatchKind = Pick<MatchRow, 'refuse' | 'render'>;

const ADDRESS: MatchKind = {
  refuse: (value) =>
    isAddress(value) ? undefined : `"${value}" is not an IPv4 address, CIDR or range`,
  render: ({ field, not, value }) => `ip ${field} ${op(not)}${value}`,
};
const ADDRESS_TYPE: MatchKind = {
  refuse: (value) =>
    ADDRESS_TYPES.has(value) ? undefined : `address type "${value}" is not supported`,
  render: ({ field, not, value }) => `fib ${field} type ${op(not)}${value}`,
};
const PROTOCOL: MatchKind = {
  refuse: (value) => (PROTOCOLS.has(value) ? undefined : `protocol "${value}" is not supported`),
  render: ({ field, not, value }) => `meta ${field} ${op(not)}${value}`,
};
const PORT: MatchKind = {
  refuse: (value, { protocol }) => {
    if (!PORTS.test(value)) return `"${value}" is not a port, list or range`;
    if (!protocol || protocol.not || !PORT_PROTOCOLS.has(protocol.value))
      return 'ports need protocol=tcp or udp';
    return undefined;
  },
  render: ({ field, not, value }) => {
    const set = value.includes(',') ? `{ ${value.split(',').join(', ')} }` : value;
    return `th ${field} ${op(not)}${set}`;
  },
};
const INTERFACE: MatchKind = {
  refuse: (value, { maps }) =>
    maps.interfaces[value]
      ? undefined
      : `interface "${value}" has no scenario interface; map it with --iface-map ${value}=<iface>`,
  render: ({ field, not, value }, { maps }) => `${field} ${op(not)}"${maps.interfaces[value]}"`,
};
const INTERFACE_LIST: MatchKind = {
  refuse: (value, { maps }) =>
    maps.interfaceLists[value]?.length
      ? undefined
      : `interface list "${value}" is not declared by the scenario`,
  render: ({ field, not, value }, { maps }) => {
    const members = maps.interfaceLists[value] ?? [];
    return `${field} ${op(not)}{ ${members.map((m) => `"${m}"`).join(', ')} }`;
  },
};

/** The matches in the order their nft text is written. */
const MATCHES: readonly MatchRow[] = [
  { property: 'src-address', field: 'saddr', ...ADDRESS },
  { property: 'dst-address', field: 'daddr', ...ADDRESS },
  { property: 'src-address-type', field: 'saddr', ...ADDRESS_TYPE },
  { property: 'dst-address-type', field: 'daddr', ...ADDRESS_TYPE },
  { property: 'protocol', field: 'l4proto', ...PROTOCOL },
  { property: 'src-port', field: 'sport', ...PORT },
  { property: 'dst-port', field: 'dport', ...PORT },
  { property: 'in-interface', field: 'iifname', ...INTERFACE },
  { property: 'out-interface', field: 'oifname', ...INTERFACE },
  { property: 'in-interface-list', field: 'iifname', ...INTERFACE_LIST },
  { property: 'out-interface-list', field: 'oifname', ...INTERFACE_LIST },
];

/** The rule's matches as nft text, each taken out of the rule; and its protocol, which to-ports needs. */
export function translateMatches({
  take,
  maps,
  fail,
}: {
  take: (key: string) => Property | undefined;
  maps: RouterOsMaps;
  fail: (p: Property, reason: string) => Error;
}): { matches: string[]; protocol: Negatable | undefined } {
  const found = MATCHES.flatMap((row) => {
    const p = take(row.property);
    return p ? [{ row, p, field: row.field, ...negatable(p.value) }] : [];
  });
  const protocol = found.find((m) => m.row.property === 'protocol');
  const rule: RuleContext = { maps, protocol };
  // The protocol is checked first: whether ports are allowed depends on it.
  for (const m of [...(protocol ? [protocol] : []), ...found.filter((m) => m !== protocol)]) {
    const reason = m.row.refuse(m.value, rule);
    if (reason) throw fail(m.p, reason);
  }
  return { matches: found.map((m) => m.row.render(m, rule)), protocol };
}
