// What every RouterOS rule shares, whichever menu it is in: its properties taken one by one (what
// is left over is refused), and the nft statement it becomes, with RouterOS's counter. Pure.

import { type Property, RouterOsError } from './lex-routeros.ts';

/** RouterOS takes unambiguous abbreviations; exports and the wiki use these. */
const ALIASES: Record<string, string> = { 'to-address': 'to-addresses', 'to-port': 'to-ports' };

export type Fail = (p: Property, reason: string) => RouterOsError;

/** A command's properties, each taken once by what translates it; what is left is unknown. */
export interface PropertyTaker {
  take: (key: string) => Property | undefined;
  fail: Fail;
  /** The first property nothing took, if any. */
  leftover: () => Property | undefined;
  /** A yes/no property: true, false, or undefined when absent; anything else is refused. */
  flag: (key: string) => boolean | undefined;
}

export function takeProperties(properties: readonly Property[]): PropertyTaker {
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
  const flag = (key: string) => {
    const p = take(key);
    if (!p) return undefined;
    if (!['yes', 'no', 'true', 'false'].includes(p.value))
      throw fail(p, `${key} must be yes or no`);
    return p.value === 'yes' || p.value === 'true';
  };
  return { take, fail, flag, leftover: () => [...byKey.values()][0] };
}

/** RouterOS counts every rule; so does the translation, so the report can say which rules matched. */
export function ruleStatement(rule: {
  matches: readonly string[];
  log?: string;
  verdict?: string;
  comment?: string;
}): string {
  return [
    ...rule.matches,
    'counter',
    ...(rule.log !== undefined ? [`log prefix ${quote(rule.log)}`] : []),
    ...(rule.verdict ? [rule.verdict] : []),
    ...(rule.comment !== undefined ? [`comment ${quote(rule.comment)}`] : []),
  ].join(' ');
}

export function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '')}"`;
}
