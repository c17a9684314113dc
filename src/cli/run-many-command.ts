// `natlab run` over several scenarios: progress on stderr (a line per step, each marked with its
// scenario, and one when a scenario starts or ends), then the failed scenarios' reports and a
// summary table on stdout, or one JSON document with --json.

import { writeFile } from 'node:fs/promises';
import { jsonDocument } from '../report/json-document.ts';
import { renderJunitSuites } from '../report/junit-report.ts';
import { runManyJson } from '../report/run-many-json.ts';
import { renderRunSummary } from '../report/run-summary.ts';
import type { Verdict } from '../report/scenario-result.ts';
import { glyphsFor, renderTerminalReport } from '../report/terminal-report.ts';
import { writeResultFiles } from '../report/write-result-files.ts';
import { makeRunDir } from '../run/output-dir.ts';
import { runMany } from '../run/run-many.ts';
import type { Backend, ProgressListener } from '../run/run-scenario.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import type { Io } from './exit.ts';
import { stepLine } from './progress-printer.ts';

export interface RunManyCommandOptions {
  scenarios: readonly LoadedScenario[];
  jobs: number;
  /** Absolute; a fresh directory under the temp dir when absent. */
  outDir?: string;
  backend?: Backend;
  json: boolean;
  /** Absolute path of the JUnit file: a testsuite per scenario. */
  junit?: string;
  signal: AbortSignal;
  io: Io;
}

export async function runManyCommand(options: RunManyCommandOptions): Promise<Verdict> {
  const { scenarios, jobs, json, junit, io } = options;
  const outDir = options.outDir ?? (await makeRunDir('run'));
  const total = scenarios.length;
  const width = Math.max(...scenarios.map((s) => s.name.length));
  let done = 0;
  io.stderr.write(`natlab: ${total} scenarios, ${Math.min(jobs, total)} at a time, in ${outDir}\n`);
  const run = await runMany({
    scenarios,
    jobs,
    outDir,
    backend: options.backend,
    signal: options.signal,
    progressFor: (s) => stepLines(io.stderr, s.name.padEnd(width)),
    onStart: (s) => io.stderr.write(`[start] ${s.name}\n`),
    onResult: async (result) => {
      done += 1;
      const seconds = (result.durationMs / 1000).toFixed(1);
      io.stderr.write(
        `[${done}/${total}] ${result.scenario}: ${result.verdict.toUpperCase()} in ${seconds} s\n`,
      );
      await writeResultFiles(result);
    },
  });
  if (junit) {
    const suites = run.results.map((result) => ({ name: result.scenario, result }));
    await writeFile(junit, renderJunitSuites(suites));
  }
  if (json) {
    const { verdict, durationMs, results } = run;
    io.stdout.write(jsonDocument(runManyJson({ verdict, durationMs, outDir, scenarios: results })));
    return run.verdict;
  }
  const glyphs = glyphsFor(io.stdout.isTTY === true);
  for (const result of run.results.filter((r) => r.verdict === 'fail')) {
    io.stdout.write(`\n${glyphs.bold(`=== ${result.scenario} ===`)}\n`);
    io.stdout.write(renderTerminalReport(result, glyphs));
  }
  io.stdout.write(renderRunSummary(run.results, { ...run, jobs, outDir }, glyphs));
  return run.verdict;
}

/** One line per finished step, marked with its scenario: runs interleave, so no line is redrawn. */
function stepLines(stream: NodeJS.WriteStream, label: string): ProgressListener {
  return {
    stepStarted() {},
    stepFinished(step, ms, summary) {
      stream.write(`  ${label}  ${stepLine(step, ms, summary)}\n`);
    },
  };
}
