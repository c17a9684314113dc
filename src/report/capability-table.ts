// `--doctor`: what this kernel and userland can do, and how each answer was found.

import type { CapabilityResult } from '../preflight/probe-capabilities.ts';
import type { Glyphs } from './terminal-report.ts';

export function renderCapabilityTable(
  kernel: string,
  results: readonly CapabilityResult[],
  g: Glyphs,
): string {
  const nameWidth = Math.max(...results.map((r) => r.name.length));
  const howWidth = Math.max(...results.map((r) => r.how.length));
  const lines = [g.bold(`kernel ${kernel}`), ''];
  for (const r of results) {
    const mark = r.available ? g.green(g.ok.padEnd(4)) : g.red(g.fail.padEnd(4));
    lines.push(
      `  ${mark} ${r.name.padEnd(nameWidth)}  ${g.dim(r.how.padEnd(howWidth))}  ${r.detail}`,
    );
  }
  lines.push(
    '',
    g.dim(
      'each line: the command run (in a scratch namespace where it touches the kernel) and what it said',
    ),
  );
  return `${lines.join('\n')}\n`;
}
