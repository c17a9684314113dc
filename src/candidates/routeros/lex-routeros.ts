// What a RouterOS export says: the `add` commands of its `/ip firewall nat` and `/ip firewall filter`
// menus, and of the interface lists they name, as located property=value pairs. Pure. Any other menu,
// or a command other than "add", is refused with its line and column.

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

export interface Property {
  key: string;
  value: string;
  line: number;
  column: number;
}

/** The menus natlab reads. */
export const MENUS = [
  '/ip firewall nat',
  '/ip firewall filter',
  '/interface list',
  '/interface list member',
] as const;

export type Menu = (typeof MENUS)[number];

const isMenu = (text: string): text is Menu => (MENUS as readonly string[]).includes(text);

/** One `add` command: its menu, its properties, where it started, and its text. */
export interface AddCommand {
  menu: Menu;
  properties: Property[];
  line: number;
  source: string;
}

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

/** Every `add` command of the export, in order; lazily, so an earlier command's error comes first. */
export function* lexRouterOs(source: string): Generator<AddCommand> {
  let menu: Menu | undefined;
  for (const line of logicalLines(source)) {
    const text = line.text;
    let commandAt = 0;
    if (text.trimStart().startsWith('/')) {
      const lead = text.length - text.trimStart().length;
      const rest = text.slice(lead);
      const match = /^(\/[a-z0-9 -]*?)(?=\s+(add|set|remove)\b|\s*$)/i.exec(rest);
      const named = (match?.[1] ?? rest).trim().replace(/\s+/g, ' ');
      if (!isMenu(named)) {
        const at = position(line, lead);
        throw new RouterOsError(
          at.line,
          at.column,
          undefined,
          `menu "${named}" is not supported; only ${MENUS.join(', ')}`,
        );
      }
      menu = named;
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
        `no menu before this line; expected one of ${MENUS.join(', ')}`,
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
    yield { menu, properties, line: at.line, source: text.trim() };
  }
}
