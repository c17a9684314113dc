// `npm run compare [-- names...] [--json]`: runs the hairpin family and its alternatives, one after
// another, and prints one table measured from their captures.

import { parseArgs } from 'node:util';
import { NatlabError } from '../errors.ts';
import { type ComparisonRow, compareRow, renderComparison } from '../report/comparison.ts';
import { glyphsFor } from '../report/terminal-report.ts';
import { runScenario } from '../run/run-scenario.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import type { Io } from './main.ts';

export const COMPARED = [
  'hairpin-broken',
  'hairpin-masquerade',
  'hairpin-snat-public',
  'hairpin-nft',
  'dmz-subnet',
  'split-horizon-dns',
  'server-public-alias',
  'ipv6-direct',
];

export async function compare(argv: string[], io: Io = process): Promise<number> {
  let args: ReturnType<typeof parseCompareArgs>;
  try {
    args = parseCompareArgs(argv);
  } catch (error) {
    io.stderr.write(`natlab compare: ${(error as Error).message}\n`);
    return 2;
  }
  const names = args.positionals.length > 0 ? args.positionals : COMPARED;
  const rows: ComparisonRow[] = [];
  try {
    for (const [i, name] of names.entries()) {
      io.stderr.write(`[${i + 1}/${names.length}] ${name}\n`);
      rows.push(compareRow(await runScenario({ scenario: await loadScenario(name) })));
    }
  } catch (error) {
    io.stderr.write(
      `natlab compare: ${error instanceof NatlabError ? error.message : String(error)}\n`,
    );
    return 2;
  }
  if (args.values.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else io.stdout.write(renderComparison(rows, glyphsFor(io.stdout.isTTY === true)));
  return 0;
}

function parseCompareArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { json: { type: 'boolean', default: false } },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await compare(process.argv.slice(2));
}
