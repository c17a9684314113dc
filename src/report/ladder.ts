// A ladder (sequence) diagram of one probe: a column per node, a row per packet journey. Shared by
// the terminal (text) and the HTML report (SVG). Switches get no column unless a packet died in one:
// they only carry frames, and leaving them out keeps a bypass visible (an arrow crossing the router's
// line without touching it).

import { nodeOf } from '../analyse/journeys.ts';
import type { ProbeReport } from './scenario-result.ts';

export interface LadderStop {
  column: number;
  /** The node rewrote the packet's addresses here. */
  rewrote: boolean;
}

export interface LadderRow {
  journey: number;
  label: string;
  stops: LadderStop[];
  /** delivered: to the last stop; dropped: died in it; unknown: last seen leaving it. */
  end: 'delivered' | 'dropped' | 'unknown';
}

export interface Ladder {
  columns: string[];
  rows: LadderRow[];
}

export function buildLadder(probe: ProbeReport, switches: ReadonlySet<string>): Ladder {
  const columns: string[] = [];
  const columnOf = (node: string) => {
    if (!columns.includes(node)) columns.push(node);
    return columns.indexOf(node);
  };
  columnOf(probe.from);
  const rows = probe.journeys.map((journey): LadderRow => {
    const stops: LadderStop[] = [];
    const died = journey.fate.kind === 'swallowed' ? journey.fate.node : undefined;
    const nodes = journey.hops.map((h) => nodeOf(h.point));
    for (const [i, node] of nodes.entries()) {
      if (switches.has(node) && !(node === died && i === nodes.length - 1)) continue;
      const column = columnOf(node);
      if (stops.at(-1)?.column === column) continue;
      stops.push({ column, rewrote: journey.rewrites.some((r) => r.node === node) });
    }
    const end =
      journey.fate.kind === 'delivered'
        ? 'delivered'
        : journey.fate.kind === 'swallowed'
          ? 'dropped'
          : 'unknown';
    return { journey: journey.number, label: journey.kind, stops, end };
  });
  return { columns, rows };
}

export interface LadderGlyphs {
  line: string;
  dash: string;
  right: string;
  left: string;
  rewrite: string;
  pass: string;
  drop: string;
  unknown: string;
}

export const UNICODE_LADDER: LadderGlyphs = {
  line: '│',
  dash: '─',
  right: '▶',
  left: '◀',
  rewrite: '●',
  pass: '┼',
  drop: '✗',
  unknown: '?',
};

export const ASCII_LADDER: LadderGlyphs = {
  line: '|',
  dash: '-',
  right: '>',
  left: '<',
  rewrite: '*',
  pass: '+',
  drop: 'x',
  unknown: '?',
};

/** Text ladder, at most `width` columns wide: node names on top, one line per journey. */
export function renderLadderText(ladder: Ladder, glyphs: LadderGlyphs, width = 100): string[] {
  const labelWidth = Math.min(18, Math.max(...ladder.rows.map((r) => r.label.length), 4) + 5);
  const n = Math.max(ladder.columns.length, 1);
  const nameWidth = Math.max(...ladder.columns.map((c) => c.length), 6) + 3;
  const step = Math.max(4, Math.min(nameWidth, Math.floor((width - labelWidth) / n)));
  const center = (column: number) => labelWidth + column * step + Math.floor(step / 2);
  const header = Array.from({ length: labelWidth + n * step }, () => ' ');
  ladder.columns.forEach((name, column) => {
    const shown = name.slice(0, step - 1);
    const start = center(column) - Math.floor((shown.length - 1) / 2);
    for (let i = 0; i < shown.length; i++) header[start + i] = shown[i] ?? ' ';
  });
  const lines = [header.join('').trimEnd()];
  for (const row of ladder.rows) {
    const cells = Array.from({ length: labelWidth + n * step }, () => ' ');
    for (let c = 0; c < n; c++) cells[center(c)] = glyphs.line;
    const label = `${String(row.journey).padStart(3)} ${row.label}`.slice(0, labelWidth - 1);
    for (let i = 0; i < label.length; i++) cells[i] = label[i] ?? ' ';
    row.stops.forEach((stop, i) => {
      const next = row.stops[i + 1];
      if (!next) return;
      const [a, b] = [center(stop.column), center(next.column)];
      const dir = Math.sign(b - a);
      for (let x = a + dir; x !== b; x += dir) cells[x] = glyphs.dash;
      cells[b - dir] = dir > 0 ? glyphs.right : glyphs.left;
    });
    row.stops.forEach((stop, i) => {
      const last = i === row.stops.length - 1;
      if (stop.rewrote) cells[center(stop.column)] = glyphs.rewrite;
      else if (i > 0 && !last) cells[center(stop.column)] = glyphs.pass;
      if (last && row.end === 'dropped') cells[center(stop.column)] = glyphs.drop;
    });
    const lastStop = row.stops.at(-1);
    if (row.end === 'unknown' && lastStop) {
      const spot = center(lastStop.column) + 2;
      if (spot < cells.length) cells[spot] = glyphs.unknown;
    }
    lines.push(cells.join('').trimEnd());
  }
  return lines;
}
