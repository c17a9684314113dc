// `npm run compare [-- names...] [--json] [--scenarios DIR]`: runs the hairpin family and its
// alternatives (or the named scenarios, or every scenario of DIR), one after another, and prints
// one table measured from their captures. Every scenario loads before the first lab is built.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NatlabError } from '../errors.ts';
import { type ComparisonRow, compareRow, renderComparison } from '../report/comparison.ts';
import { glyphsFor } from '../report/terminal-report.ts';
import { runScenario } from '../run/run-scenario.ts';
import { listScenarioNames, loadScenarios } from '../scenario/load-scenario.ts';
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
  const rows: ComparisonRow[] = [];
  try {
    // A directory of the user's: its scenarios by name, or all of them.
    const dir =
      args.values.scenarios === undefined
        ? undefined
        : resolve(process.env.INIT_CWD ?? '.', args.values.scenarios);
    const names =
      args.positionals.length > 0
        ? args.positionals
        : dir === undefined
          ? COMPARED
          : await listScenarioNames(dir);
    const scenarios = await loadScenarios(names, dir);
    for (const [i, scenario] of scenarios.entries()) {
      io.stderr.write(`[${i + 1}/${scenarios.length}] ${scenario.name}\n`);
      rows.push(compareRow(await runScenario({ scenario })));
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
    options: {
      json: { type: 'boolean', default: false },
      scenarios: { type: 'string' },
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await compare(process.argv.slice(2));
}
