// `natlab run NAME --ruleset F...`: the scenario once per candidate ruleset, in one directory, then
// the candidates side by side (or one JSON document). Exit 0 when any one passes, or every one with
// --require-all.

import { rm, writeFile } from 'node:fs/promises';
import { parseIfaceMap } from '../candidates/load-candidate.ts';
import { renderCandidateJunit, renderCandidateMatrix } from '../report/candidate-matrix.ts';
import { candidatesJson } from '../report/candidates-json.ts';
import { jsonDocument } from '../report/json-document.ts';
import { glyphsFor } from '../report/terminal-report.ts';
import { writeResultFiles } from '../report/write-result-files.ts';
import { makeRunDir } from '../run/output-dir.ts';
import { runCandidates } from '../run/run-candidates.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { EXIT } from './exit.ts';
import { fromUserDir, type RunContext } from './options.ts';
import { progressPrinter } from './progress-printer.ts';

export interface CandidatesCommandOptions extends RunContext {
  scenario: LoadedScenario;
}

export async function candidatesCommand(options: CandidatesCommandOptions): Promise<number> {
  const { scenario, values, paths, signal, io } = options;
  // Before the directory: a malformed map must not leave it behind.
  const ifaceMap = parseIfaceMap(values['iface-map']);
  // One directory for all candidates, printed, like a single run's.
  const outDir = paths.out ?? (await makeRunDir(`${scenario.name}-candidates`));
  // A directory natlab chose is named only in a result; without one, nobody would find it.
  const dropOutDir = () => (paths.out ? undefined : rm(outDir, { recursive: true, force: true }));
  const runs = await runCandidates({
    scenario,
    files: (values.ruleset ?? []).map((f) => fromUserDir(f)),
    ifaceMap,
    outDir,
    signal,
    progress: progressPrinter(io.stderr),
    onCandidate: (c, i, n) => io.stderr.write(`candidate ${i + 1}/${n}: ${c.name} (${c.format})\n`),
  }).catch(async (error: unknown) => {
    await dropOutDir();
    throw error;
  });
  if (signal.aborted) {
    await dropOutDir();
    signal.throwIfAborted();
  }
  const passed = runs.filter((r) => r.result.verdict === 'pass').length;
  const ok = values['require-all'] ? passed === runs.length : passed > 0;
  for (const { result } of runs) await writeResultFiles(result);
  if (paths.junit) await writeFile(paths.junit, renderCandidateJunit(runs));
  if (values.json) {
    io.stdout.write(jsonDocument(candidatesJson({ scenario: scenario.name, ok, runs, outDir })));
  } else {
    io.stdout.write(
      renderCandidateMatrix(scenario.name, runs, glyphsFor(io.stdout.isTTY === true)),
    );
    io.stdout.write(`\npcaps and results of each candidate: ${outDir}\n`);
  }
  // A candidate natlab could not judge (its addresses are not the scenario's) is bad input.
  if (runs.some((r) => r.result.verdict === 'error')) return EXIT.error;
  return ok ? EXIT.pass : EXIT.fail;
}
