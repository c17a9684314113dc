// How every --json document is written: two-space indented, one newline after it.

export function jsonDocument(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
