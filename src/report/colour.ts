// Whether ANSI colour is written, and the colours. On a terminal, unless NO_COLOR is set to anything
// (https://no-color.org); FORCE_COLOR turns it on anywhere else ("0" or "false": off).

export type Paint = (text: string) => string;

export interface Palette {
  green: Paint;
  red: Paint;
  dim: Paint;
  bold: Paint;
}

type Env = Readonly<Record<string, string | undefined>>;

export function colourWanted({ tty, env = process.env }: { tty: boolean; env?: Env }): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return tty;
}

const ESC = String.fromCharCode(0x1b);
const sgr =
  (code: string): Paint =>
  (text) =>
    `${ESC}[${code}m${text}${ESC}[0m`;
const plain: Paint = (text) => text;

export function palette(on: boolean): Palette {
  return on
    ? { green: sgr('32'), red: sgr('31'), dim: sgr('2'), bold: sgr('1') }
    : { green: plain, red: plain, dim: plain, bold: plain };
}

const SGR = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

/** The text as a terminal shows it: without its colour codes. */
export function stripColour(text: string): string {
  return text.replace(SGR, '');
}
