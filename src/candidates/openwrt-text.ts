// The text of firewall4's NAT rules and chains: one rule's matches in fw4's order, and the table.

import type { Proto } from './openwrt-firewall.ts';
import type { ResolvedZone } from './openwrt-zones.ts';

export const set = (items: string[]) =>
  items.length === 1 ? `${items[0]}` : `{ ${items.join(', ')} }`;
const quoted = (devices: string[]) => set(devices.map((d) => `"${d}"`));

export /** The matches and statement of one rule, in fw4's order. */
function rule(parts: {
  proto: Proto;
  saddr?: string[];
  saddrNot?: boolean;
  daddr?: string[];
  daddrNot?: boolean;
  sport?: string;
  dport?: string;
  oifname?: string;
  counter: boolean;
  verdict: string;
  name: string;
}): string {
  const hasAddrs = Boolean(parts.saddr?.length || parts.daddr?.length);
  const hasPorts = parts.proto !== 'all' && Boolean(parts.sport || parts.dport);
  const words = [
    ...(hasAddrs ? [] : ['meta nfproto ipv4']),
    ...(parts.proto !== 'all' && !hasPorts ? [`meta l4proto ${parts.proto}`] : []),
    ...(parts.oifname ? [`oifname "${parts.oifname}"`] : []),
    ...(parts.saddr?.length ? [`ip saddr ${parts.saddrNot ? '!= ' : ''}${set(parts.saddr)}`] : []),
    ...(parts.daddr?.length ? [`ip daddr ${parts.daddrNot ? '!= ' : ''}${set(parts.daddr)}`] : []),
    ...(hasPorts && parts.sport ? [`${parts.proto} sport ${parts.sport}`] : []),
    ...(hasPorts && parts.dport ? [`${parts.proto} dport ${parts.dport}`] : []),
    ...(parts.counter ? ['counter'] : []),
    parts.verdict,
    `comment "!fw4: ${parts.name.replace(/["\\]/g, '')}"`,
  ];
  return words.join(' ');
}

/** The table; `filter` chains (each its "chain NAME {" line, then its rules) come first, as in fw4. */
export function render(
  zones: ResolvedZone[],
  srcnat: string[],
  warnings: string[],
  filter: readonly string[][] = [],
): string {
  const order = (z: ResolvedZone) => z.zone.line;
  const used = zones.sort((a, b) => order(a) - order(b));
  const family = (z: ResolvedZone) =>
    z.zone.family === 'ipv4'
      ? 'meta nfproto ipv4 '
      : z.zone.family === 'ipv6'
        ? 'meta nfproto ipv6 '
        : '';
  const jumps = (kind: 'dnat' | 'snat') =>
    used
      .filter((z) => z[kind].length > 0)
      .flatMap((z) => {
        const [dir, iface] = kind === 'dnat' ? ['dstnat', 'iifname'] : ['srcnat', 'oifname'];
        // As fw4: the plain devices in one set, each wildcard in a jump of its own.
        const plain = z.devices.filter((d) => !d.endsWith('*'));
        const groups = [
          ...(plain.length ? [plain] : []),
          ...z.devices.filter((d) => d.endsWith('*')).map((d) => [d]),
        ];
        return groups.map(
          (devices) =>
            `\t\t${family(z)}${iface} ${quoted(devices)} jump ${dir}_${z.zone.name} comment "!fw4: Handle ${z.zone.name} IPv4/IPv6 ${dir} traffic"`,
        );
      });
  const chain = (name: string, head: string[], rules: string[]) => [
    `\tchain ${name} {`,
    ...head.map((h) => `\t\t${h}`),
    ...rules.filter(Boolean).map((r) => (r.startsWith('\t') ? r : `\t\t${r}`)),
    '\t}',
  ];
  const lines = [
    ...warnings.map((w) => `# warning: ${w}`),
    'table inet fw4 {',
    ...filter.flatMap(([head = '', ...rules]) =>
      chain(head.replace(/^chain (\S+) \{$/, '$1'), [], rules),
    ),
    ...chain('dstnat', ['type nat hook prerouting priority dstnat; policy accept;'], jumps('dnat')),
    ...chain(
      'srcnat',
      ['type nat hook postrouting priority srcnat; policy accept;'],
      [...srcnat, ...jumps('snat')],
    ),
    ...used.flatMap((z) => [
      ...(z.dnat.length > 0 ? chain(`dstnat_${z.zone.name}`, [], z.dnat) : []),
      ...(z.snat.length > 0 ? chain(`srcnat_${z.zone.name}`, [], z.snat) : []),
    ]),
    '}',
    '',
  ];
  return lines.join('\n');
}
