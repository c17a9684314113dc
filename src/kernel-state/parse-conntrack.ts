// Reads `conntrack -L [-o extended]` lines into fields, keeping each raw line beside them.

/** One direction of a conntrack entry: addresses, and ports (TCP, UDP) or type/code/id (ICMP). */
export interface ConntrackTuple {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  type?: number;
  code?: number;
  id?: number;
}

export interface ConntrackEntry {
  /** "ipv4" or "ipv6"; absent when the line lacks it (plain `conntrack -L`). */
  family?: string;
  proto: string;
  /** TCP's state (SYN_SENT, ESTABLISHED, TIME_WAIT...); absent for protocols without one. */
  state?: string;
  /**
   * Status flags as printed ([UNREPLIED], [ASSURED], [EXPECTED]...), plus SEEN_REPLY whenever
   * UNREPLIED is not printed: conntrack prints UNREPLIED exactly when the kernel's SEEN_REPLY is clear.
   */
  status: string[];
  orig: ConntrackTuple;
  reply: ConntrackTuple;
  mark?: number;
  zone?: number;
  /** Created by an expectation (a helper's RELATED connection): the EXPECTED status. */
  related: boolean;
  raw: string;
}

const TUPLE_NUMBERS = ['sport', 'dport', 'type', 'code', 'id'] as const;

/** Lines that are not entries (empty, or natlab's own "(could not read)") are left out. */
export function parseConntrack(lines: readonly string[]): ConntrackEntry[] {
  return lines.flatMap((line) => {
    const entry = parseEntry(line);
    return entry ? [entry] : [];
  });
}

function parseEntry(raw: string): ConntrackEntry | undefined {
  const words = raw.trim().split(/\s+/);
  const family = /^ipv[46]$/.test(words[0] ?? '') ? words.shift() : undefined;
  if (family) words.shift(); // the family number
  const proto = words.shift();
  if (!proto || !/^\d+$/.test(words[0] ?? '')) return undefined;
  words.shift(); // protocol number
  if (/^\d+$/.test(words[0] ?? '')) words.shift(); // timeout
  const state = /^[A-Z_]+$/.test(words[0] ?? '') ? words.shift() : undefined;
  const tuples: Record<string, string>[] = [];
  const status: string[] = [];
  const rest: Record<string, string> = {};
  for (const word of words) {
    const flag = /^\[([A-Z_]+)\]$/.exec(word);
    if (flag?.[1]) {
      status.push(flag[1]);
      continue;
    }
    const [key = '', value = ''] = word.split('=', 2);
    if (key === 'src' && tuples.length < 2) tuples.push({});
    const tuple = tuples.at(-1);
    if (tuple && (key === 'src' || key === 'dst' || TUPLE_NUMBERS.some((k) => k === key)))
      tuple[key] = value;
    else rest[key] = value;
  }
  const [orig, reply] = tuples;
  if (!orig || !reply) return undefined;
  if (!status.includes('UNREPLIED')) status.push('SEEN_REPLY');
  return {
    ...(family ? { family } : {}),
    proto,
    ...(state ? { state } : {}),
    status,
    orig: toTuple(orig),
    reply: toTuple(reply),
    ...numberField('mark', rest.mark),
    ...numberField('zone', rest.zone),
    related: status.includes('EXPECTED'),
    raw: raw.trim(),
  };
}

function toTuple(fields: Record<string, string>): ConntrackTuple {
  const tuple: ConntrackTuple = { src: fields.src ?? '', dst: fields.dst ?? '' };
  for (const key of TUPLE_NUMBERS) if (fields[key] !== undefined) tuple[key] = Number(fields[key]);
  return tuple;
}

function numberField<K extends string>(key: K, value: string | undefined) {
  return value === undefined || !/^\d+$/.test(value) ? {} : { [key]: Number(value) };
}
