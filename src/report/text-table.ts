// Columns padded to their widest cell, two spaces apart; the caller styles the header line.

export function textTable(rows: readonly (readonly string[])[]): string[] {
  const widths =
    rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
