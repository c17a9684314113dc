// Columns padded to their widest cell, two spaces apart; the caller styles the header line. Cells
// may be coloured: a width counts only what the terminal shows.

import { stripColour } from './colour.ts';

export function textTable(rows: readonly (readonly string[])[]): string[] {
  const shown = (cell: string) => stripColour(cell).length;
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => shown(row[c] ?? '')))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, c) => cell + ' '.repeat(Math.max(0, (widths[c] ?? 0) - shown(cell))))
      .join('  ')
      .trimEnd(),
  );
}
