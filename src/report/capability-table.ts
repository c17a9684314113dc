// `--doctor`: what this kernel and userland can do, and how each answer was found.

import type { CapabilityResult } from '../preflight/probe-capabilities.ts';
import type { Glyphs } from './terminal-report.ts';
import { textTable } from './text-table.ts';

export function renderCapabilityTable(
  kernel: string,
  results: readonly CapabilityResult[],
  g: Glyphs,
): string {
  const table = textTable(results.map((r) => [r.name, g.dim(r.how), r.detail]));
  const lines = [g.bold(`kernel ${kernel}`), ''];
  results.forEach((r, i) => {
    const mark = r.available ? g.green(g.ok.padEnd(4)) : g.red(g.fail.padEnd(4));
    lines.push(`  ${mark} ${table[i]}`);
  });
  lines.push(
    '',
    g.dim(
      'each line: the command run (in a scratch namespace where it touches the kernel) and what it said',
    ),
  );
  return `${lines.join('\n')}\n`;
}
