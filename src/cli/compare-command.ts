// `npm run compare [-- names...] [--json] [--scenarios DIR]`: runs the hairpin family and its
// alternatives (or the named scenarios, or every scenario of DIR), one after another, and prints
// one table measured from their captures. Every scenario loads before the first lab is built.

import { NatlabError } from '../errors.ts';
import { type ComparisonRow, compareRow, renderComparison } from '../report/comparison.ts';
import { jsonDocument } from '../report/json-document.ts';
import { glyphsFor } from '../report/terminal-report.ts';
import { runScenario } from '../run/run-scenario.ts';
import { listScenarioNames, loadScenarios } from '../scenario/load-scenario.ts';
import type { Io } from './exit.ts';
import { fromUserDir, parseCommandLine } from './options.ts';

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
      args.values.scenarios === undefined ? undefined : fromUserDir(args.values.scenarios);
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
  if (args.values.json) io.stdout.write(jsonDocument(rows));
  else io.stdout.write(renderComparison(rows, glyphsFor(io.stdout.isTTY === true)));
  return 0;
}

function parseCompareArgs(argv: string[]) {
  return parseCommandLine(argv, {
    json: { type: 'boolean', default: false },
    scenarios: { type: 'string' },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await compare(process.argv.slice(2));
}
