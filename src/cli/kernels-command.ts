// `natlab run NAME... --kernel K...`: every scenario on every kernel, each report, then the kernels
// side by side per scenario (or one JSON document).

import { NatlabError } from '../errors.ts';
import { jsonDocument } from '../report/json-document.ts';
import { renderKernelComparison } from '../report/kernel-comparison.ts';
import { kernelsJson } from '../report/kernels-json.ts';
import { glyphsFor, renderTerminalReport } from '../report/terminal-report.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import type { KernelSpec } from '../vm/kernel-spec.ts';
import { runOnKernels } from '../vm/run-on-kernels.ts';
import { EXIT } from './exit.ts';
import { type RunContext, seconds } from './options.ts';
import { progressPrinter } from './progress-printer.ts';

export interface KernelsCommandOptions extends RunContext {
  scenarios: LoadedScenario[];
  specs: KernelSpec[];
}

export async function kernelsCommand(options: KernelsCommandOptions): Promise<number> {
  const { scenarios, specs, values, paths, signal, io } = options;
  const alone = ['ruleset', 'keep', 'junit', 'backend'] as const;
  const clash = alone.find((o) => values[o] !== undefined && values[o] !== false);
  if (clash) {
    throw new NatlabError(`--${clash} cannot be combined with --kernel (other than host alone)`, {
      code: 'BAD_INPUT',
      stage: 'cli',
    });
  }
  const run = await runOnKernels({
    scenarios,
    specs,
    outDir: paths.out,
    vmTimeoutPerScenarioMs: seconds(values['vm-timeout'], '--vm-timeout', 300) * 1000,
    append: (values['kernel-append'] ?? '').split(' ').filter(Boolean),
    signal,
    progress: progressPrinter(io.stderr),
    say: (line) => io.stderr.write(`${line}\n`),
  });
  if (values.json) {
    io.stdout.write(jsonDocument(kernelsJson(run)));
    return EXIT[run.verdict];
  }
  const glyphs = glyphsFor(io.stdout.isTTY === true);
  for (const [i, scenario] of run.scenarios.entries()) {
    for (const [k, kernel] of scenario.kernels.entries()) {
      io.stdout.write(
        `\n${glyphs.bold(`=== ${scenario.scenario} on kernel ${kernel.kernel} (${kernel.release}, ${kernel.ranOn}) ===`)}\n`,
      );
      const full = run.results[i]?.[k];
      if (full) io.stdout.write(renderTerminalReport(full, glyphs));
      // An error's message carries the command, stderr and the guest's console tail: all of it.
      else if (kernel.reason) io.stdout.write(`\n${kernel.reason.replace(/^/gm, '  ')}\n`);
    }
    io.stdout.write(renderKernelComparison(scenario, glyphs));
  }
  io.stdout.write(`\nResults per scenario and kernel in ${run.outDir}\n`);
  return EXIT[run.verdict];
}
