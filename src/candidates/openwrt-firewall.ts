// OpenWrt's /etc/config/firewall as a typed model of what NAT depends on: zones, redirects (port
// forwards) and nat rules. Pure. Options that cannot change NAT are accepted and ignored (IGNORED);
// any other option, section or value is refused with its line.

import { parseAddressPattern } from '../net/addresses.ts';
import { OpenWrtError, parseUci, type UciOption, type UciSection } from './openwrt-uci.ts';

export { OpenWrtError } from './openwrt-uci.ts';

export type Family = 'any' | 'ipv4' | 'ipv6';
/** 'all' matches every protocol and takes no ports. */
export type Proto = 'tcp' | 'udp' | 'all';

/** An IPv4 address or CIDR, as written; `not` for a leading "!". */
export interface AddressMatch {
  not: boolean;
  cidr: string;
}

export interface OpenWrtZone {
  name: string;
  line: number;
  enabled: boolean;
  family: Family;
  /** OpenWrt network (interface) names: lan, wan... natlab maps them to devices. */
  networks: string[];
  /** Raw device names; "eth+" is a wildcard. */
  devices: string[];
  masq: boolean;
  masq6: boolean;
  masqSrc: AddressMatch[];
  masqDest: AddressMatch[];
  /** What the zone does with traffic forwarded back out of it (fw4's `<policy>_to_<zone>`). */
  forward: Policy;
}

export type Policy = 'accept' | 'reject' | 'drop';

/** `config forwarding`: the src zone may forward to the dest zone. */
export interface OpenWrtForwarding {
  line: number;
  enabled: boolean;
  src?: string;
  dest?: string;
}

export interface OpenWrtRedirect {
  /** `option name`, else the section's name, else "@redirect[N]" as fw4 says it. */
  name: string;
  line: number;
  enabled: boolean;
  target: 'dnat' | 'snat';
  family: Family;
  src?: string;
  dest?: string;
  protos: Proto[];
  srcIp?: AddressMatch;
  srcPort?: string;
  /** DNAT: the public address matched; SNAT: the address rewritten to. */
  srcDip?: AddressMatch;
  /** DNAT: the public port; SNAT: the port rewritten to. */
  srcDport?: string;
  destIp?: AddressMatch;
  destPort?: string;
  reflection: boolean;
  reflectionSrc: 'internal' | 'external';
  reflectionZones: string[];
  counter: boolean;
}

export interface OpenWrtNat {
  name: string;
  line: number;
  enabled: boolean;
  target: 'masquerade' | 'snat' | 'accept';
  family: Family;
  /** The zone whose outgoing traffic the rule handles; none: all traffic. */
  src?: string;
  /** An outgoing device, matched as given (not mapped). */
  device?: string;
  protos: Proto[];
  srcIp?: AddressMatch;
  srcPort?: string;
  destIp?: AddressMatch;
  destPort?: string;
  snatIp?: string;
  snatPort?: string;
  counter: boolean;
}

export interface OpenWrtFirewall {
  zones: OpenWrtZone[];
  redirects: OpenWrtRedirect[];
  nats: OpenWrtNat[];
  forwardings: OpenWrtForwarding[];
  /** `config defaults` option forward: the forward chain's policy (fw4's default: drop). */
  forward: Policy;
}

const POLICIES = ['accept', 'reject', 'drop'] as const;

/** What does not change NAT: whole sections, and options of the sections that are read. */
const IGNORED = {
  sections: ['defaults', 'forwarding', 'rule', 'include', 'ipset', 'helper'],
  zone: [
    'input',
    'output',
    'forward',
    'mtu_fix',
    'log',
    'log_limit',
    'auto_helper',
    'helper',
    'counter',
    'masq_allow_invalid',
  ],
  redirect: ['log', 'log_limit'],
  nat: ['log', 'connlimit_ports'],
} as const;

type Reader = ReturnType<typeof reader>;

/** Takes each option once; `done` refuses whatever was neither read nor ignored. */
function reader(section: UciSection, ignored: readonly string[]) {
  const used = new Set<string>(ignored);
  const get = (key: string): UciOption | undefined => {
    used.add(key);
    return section.options.get(key);
  };
  const fail = (o: UciOption, reason: string) => new OpenWrtError(o.line, o.key, reason);
  const one = (key: string): { o: UciOption; value: string } | undefined => {
    const o = get(key);
    if (!o) return undefined;
    if (o.list) throw fail(o, 'takes one value (option, not list)');
    return { o, value: o.values[0] ?? '' };
  };
  const r = {
    fail,
    text: (key: string) => one(key)?.value,
    /** A list option: `list` lines, or one option of space-separated words. */
    list: (key: string) => get(key)?.values.flatMap((v) => v.split(/\s+/).filter(Boolean)) ?? [],
    bool: (key: string, fallback: boolean) => {
      const found = one(key);
      if (!found) return fallback;
      const v = found.value.toLowerCase();
      if (['1', 'yes', 'on', 'true', 'enabled'].includes(v)) return true;
      if (['0', 'no', 'off', 'false', 'disabled'].includes(v)) return false;
      throw fail(found.o, `"${found.value}" is not a boolean (1 or 0)`);
    },
    choice: <T extends string>(key: string, choices: readonly T[], fallback: T): T => {
      const found = one(key);
      if (!found) return fallback;
      const v = found.value.toLowerCase() as T;
      if (choices.includes(v)) return v;
      throw fail(found.o, `"${found.value}" is not one of ${choices.join(', ')}`);
    },
    port: (key: string) => {
      const found = one(key);
      if (!found) return undefined;
      const m = /^(\d{1,5})(?:[-:](\d{1,5}))?$/.exec(found.value);
      const [low, high] = [Number(m?.[1]), Number(m?.[2] ?? m?.[1])];
      if (!m || low < 1 || high > 65535 || low > high)
        throw fail(found.o, `"${found.value}" is not a port or range (1-65535)`);
      return low === high ? `${low}` : `${low}-${high}`;
    },
    address: (key: string, negatable = true) => {
      const found = one(key);
      return found ? addressOf(found.value, found.o, negatable) : undefined;
    },
    addresses: (key: string) => {
      const o = get(key);
      return r.list(key).map((v) => addressOf(v, o as UciOption, true));
    },
    protos: (fallback: string) => {
      const o = get('proto');
      const words = o ? r.list('proto') : [fallback];
      const protos = new Set<Proto>();
      for (const w of words.map((x) => x.toLowerCase())) {
        if (w === 'tcpudp') protos.add('tcp').add('udp');
        else if (w === 'tcp' || w === 'udp') protos.add(w);
        else if (['all', 'any', '*'].includes(w)) protos.add('all');
        else throw fail(o as UciOption, `protocol "${w}" is not supported (tcp, udp, tcpudp, all)`);
      }
      return [...protos];
    },
    family: () => {
      const f = r.choice('family', ['any', 'ipv4', 'ipv6', 'inet', '4', '6', '*'], 'any');
      return (
        ({ inet: 'any', '*': 'any', '4': 'ipv4', '6': 'ipv6' } as Record<string, Family>)[f] ??
        (f as Family)
      );
    },
    done: () => {
      for (const o of section.options.values()) {
        if (!used.has(o.key))
          throw fail(o, `unknown or unsupported ${section.type} option "${o.key}"`);
      }
    },
  };
  return r;
}

function addressOf(value: string, o: UciOption, negatable: boolean): AddressMatch {
  const pattern = parseAddressPattern(value);
  const reason = (why: string) => new OpenWrtError(o.line, o.key, `"${value}" ${why}`);
  if (!pattern) throw reason('is not an address or CIDR');
  if (pattern.cidr.address.kind() !== 'ipv4') throw reason('is IPv6; natlab translates IPv4');
  if (pattern.negate && !negatable) throw reason('cannot be negated here');
  const { address, prefix } = pattern.cidr;
  return { not: pattern.negate, cidr: prefix === 32 ? address.toString() : `${address}/${prefix}` };
}

function readZone(s: UciSection, r: Reader, fallback: Policy): OpenWrtZone {
  const name = r.text('name');
  if (!name) throw new OpenWrtError(s.line, 'name', 'a zone needs option name');
  for (const [key, words] of [
    ['network', r.list('network')],
    ['device', r.list('device')],
  ] as const) {
    const bad = words.find((w) => w.startsWith('!'));
    if (bad) throw new OpenWrtError(s.line, key, `negated ${key} "${bad}" is not supported`);
  }
  const zone: OpenWrtZone = {
    name,
    line: s.line,
    enabled: r.bool('enabled', true),
    family: r.family(),
    networks: r.list('network'),
    devices: r.list('device'),
    masq: r.bool('masq', false),
    masq6: r.bool('masq6', false),
    masqSrc: r.addresses('masq_src'),
    masqDest: r.addresses('masq_dest'),
    forward: r.choice('forward', POLICIES, fallback),
  };
  return zone;
}

function readRedirect(s: UciSection, r: Reader, name: string): OpenWrtRedirect {
  const target = r.choice('target', ['dnat', 'snat'], 'dnat');
  return {
    name,
    line: s.line,
    enabled: r.bool('enabled', true),
    target,
    family: r.family(),
    src: r.text('src'),
    dest: r.text('dest'),
    protos: r.protos('tcpudp'),
    srcIp: r.address('src_ip'),
    srcPort: r.port('src_port'),
    srcDip: r.address('src_dip', target === 'dnat'),
    srcDport: r.port('src_dport'),
    destIp: r.address('dest_ip', target === 'snat'),
    destPort: r.port('dest_port'),
    reflection: r.bool('reflection', true),
    reflectionSrc: r.choice('reflection_src', ['internal', 'external'], 'internal'),
    reflectionZones: r.list('reflection_zone'),
    counter: r.bool('counter', true),
  };
}

function readNat(s: UciSection, r: Reader, name: string): OpenWrtNat {
  const snatIp = r.address('snat_ip', false);
  return {
    name,
    line: s.line,
    enabled: r.bool('enabled', true),
    target: r.choice('target', ['masquerade', 'snat', 'accept'], 'masquerade'),
    family: r.family(),
    src: r.text('src'),
    device: r.text('device'),
    protos: r.protos('all'),
    srcIp: r.address('src_ip'),
    srcPort: r.port('src_port'),
    destIp: r.address('dest_ip'),
    destPort: r.port('dest_port'),
    snatIp: snatIp?.cidr,
    snatPort: r.port('snat_port'),
    counter: r.bool('counter', true),
  };
}

/** fw4 reads the defaults first: a zone's forward policy falls back to theirs. */
function readDefaults(sections: readonly UciSection[]): Policy {
  const defaults = sections.find((s) => s.type === 'defaults');
  if (!defaults) return 'drop';
  const r = reader(defaults, []);
  return r.choice('forward', POLICIES, 'drop');
}

/** Only what the filter translation reads; a forwarding's other options change nothing here. */
function readForwarding(s: UciSection): OpenWrtForwarding {
  const r = reader(s, []);
  return {
    line: s.line,
    enabled: r.bool('enabled', true),
    src: r.text('src'),
    dest: r.text('dest'),
  };
}

export function parseOpenWrtFirewall(source: string): OpenWrtFirewall {
  const sections = parseUci(source);
  const forward = readDefaults(sections);
  const model: OpenWrtFirewall = { zones: [], redirects: [], nats: [], forwardings: [], forward };
  const counts = new Map<string, number>();
  for (const s of sections) {
    const index = counts.get(s.type) ?? 0;
    counts.set(s.type, index + 1);
    if (s.type === 'forwarding') model.forwardings.push(readForwarding(s));
    if ((IGNORED.sections as readonly string[]).includes(s.type)) continue;
    if (s.type !== 'zone' && s.type !== 'redirect' && s.type !== 'nat') {
      throw new OpenWrtError(s.line, undefined, `unknown section "config ${s.type}"`);
    }
    const r = reader(s, IGNORED[s.type]);
    const name = r.text('name') ?? s.name ?? `@${s.type}[${index}]`;
    if (s.type === 'zone') model.zones.push(readZone(s, r, forward));
    else if (s.type === 'redirect') model.redirects.push(readRedirect(s, r, name));
    else model.nats.push(readNat(s, r, name));
    r.done();
  }
  const names = new Set<string>();
  for (const zone of model.zones) {
    if (names.has(zone.name))
      throw new OpenWrtError(zone.line, 'name', `zone "${zone.name}" is declared twice`);
    names.add(zone.name);
  }
  return model;
}
