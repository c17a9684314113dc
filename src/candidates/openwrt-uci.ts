// UCI syntax (/etc/config/*, `uci export`): sections of options and lists, each with its line. Pure.

export class OpenWrtError extends Error {
  override readonly name = 'OpenWrtError';
  constructor(
    readonly line: number,
    readonly option: string | undefined,
    reason: string,
  ) {
    super(`line ${line}${option ? `, option ${option}` : ''}: ${reason}`);
  }
}

export interface UciOption {
  key: string;
  /** One value for `option`, one per `list` line, in order. */
  values: string[];
  list: boolean;
  line: number;
}

export interface UciSection {
  type: string;
  /** The section's name when it has one (`config zone 'lan'`). */
  name?: string;
  line: number;
  options: Map<string, UciOption>;
}

/** Splits a line into words: 'single', "double" (with \ escapes) and bare words. */
function words(text: string, line: number): string[] {
  const found: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length || text[i] === '#') break;
    let word = '';
    while (i < text.length && text[i] !== ' ' && text[i] !== '\t') {
      const c = text[i] ?? '';
      if (c === "'" || c === '"') {
        const end = text.indexOf(c, i + 1);
        if (end < 0) throw new OpenWrtError(line, undefined, 'unterminated quote');
        const inner = text.slice(i + 1, end);
        word += c === '"' ? inner.replace(/\\(.)/g, '$1') : inner;
        i = end + 1;
      } else if (c === '#' && word === '') {
        break;
      } else {
        word += c;
        i++;
      }
    }
    found.push(word);
  }
  return found;
}

const KEY = /^[A-Za-z0-9_]+$/;

/** The sections in file order; `package NAME` lines (uci export) are accepted and skipped. */
export function parseUci(source: string): UciSection[] {
  const sections: UciSection[] = [];
  let current: UciSection | undefined;
  source.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const [keyword, ...args] = words(raw, line);
    if (keyword === undefined) return;
    if (keyword === 'package') return;
    if (keyword === 'config') {
      const [type, name, ...extra] = args;
      if (!type || !KEY.test(type) || extra.length > 0) {
        throw new OpenWrtError(line, undefined, 'expected config TYPE [NAME]');
      }
      current = { type, name, line, options: new Map() };
      sections.push(current);
      return;
    }
    if (keyword !== 'option' && keyword !== 'list') {
      throw new OpenWrtError(line, undefined, `expected config, option or list, not "${keyword}"`);
    }
    const [key, value, ...extra] = args;
    if (!key || !KEY.test(key) || value === undefined || extra.length > 0) {
      throw new OpenWrtError(line, key, `expected ${keyword} NAME 'VALUE'`);
    }
    if (!current) throw new OpenWrtError(line, key, `${keyword} before any config section`);
    const list = keyword === 'list';
    const seen = current.options.get(key);
    if (seen && (!list || !seen.list)) throw new OpenWrtError(line, key, 'given twice');
    if (seen) seen.values.push(value);
    else current.options.set(key, { key, values: [value], list, line });
  });
  return sections;
}
