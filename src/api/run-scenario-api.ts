// The documented runScenario: a scenario file or a definition in, the --json ScenarioResult out,
// and on request the files the CLI writes. Loaded by index.ts only when called.

import { basename, dirname, resolve } from 'node:path';
import { NatlabError } from '../errors.ts';
import type { ScenarioResult } from '../report/scenario-result.ts';
import { writeResultFiles } from '../report/write-result-files.ts';
import { loadCandidates, withCandidate } from '../run/run-candidates.ts';
import { type Backend, type ProgressListener, runScenario } from '../run/run-scenario.ts';
import type { ScenarioDef } from '../scenario/define-scenario.ts';
import { type LoadedScenario, loadScenario } from '../scenario/load-scenario.ts';

/** Names go into directory names and reports. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface RunOptions {
  /**
   * A scenario file (`.ts` whose default export is `defineScenario({...})`), absolute or relative
   * to the current directory, or a definition made with defineScenario.
   */
  scenario: string | ScenarioDef;
  /** The name results and reports carry. Default: the file's name without .ts, or "scenario". */
  name?: string;
  /**
   * A candidate ruleset file to run in place of the scenario's NAT node's own rulesets (the node
   * named by `nat: { node }`): iptables-restore input, an nft script, a RouterOS export (.rsc),
   * or iptables/ebtables command lines. For several candidates, call runScenario once for each.
   */
  ruleset?: string;
  /** RouterOS interface names for a RouterOS candidate, over the scenario's own `nat.ifaceMap`. */
  ifaceMap?: Record<string, string>;
  /** Where pcaps (and with `files`, result.json and report.html) go. Default: a fresh temp dir. */
  outDir?: string;
  /** Who builds the lab: natlab itself (`netns`, the default) or Mininet. */
  backend?: Backend;
  /** Aborting it stops the run and tears the lab down; runScenario then rejects. */
  signal?: AbortSignal;
  /** Write result.json and report.html into the output directory, as the CLI does. */
  files?: boolean;
  /** Write a JUnit XML report (one testcase per check) to this path, as `--junit` does. */
  junit?: string;
  /** Told as each step of the run starts and ends (the CLI prints these on stderr). */
  progress?: ProgressListener;
}

export async function runScenarioApi(options: RunOptions): Promise<ScenarioResult> {
  const loaded = await scenarioOf(options);
  const [candidate] = options.ruleset
    ? await loadCandidates(loaded, [resolve(options.ruleset)], options.ifaceMap ?? {})
    : [];
  const result = await runScenario({
    scenario: candidate ? withCandidate(loaded, candidate) : loaded,
    outDir: options.outDir === undefined ? undefined : resolve(options.outDir),
    backend: options.backend,
    signal: options.signal,
    progress: options.progress,
  });
  if (options.files || options.junit) {
    await writeResultFiles(result, {
      reports: options.files === true,
      junit: options.junit === undefined ? undefined : resolve(options.junit),
    });
  }
  return result;
}

async function scenarioOf({ scenario, name, signal }: RunOptions): Promise<LoadedScenario> {
  if (name !== undefined && !NAME.test(name)) {
    throw new NatlabError(
      `name must be letters, digits, ".", "_" or "-" (at most 64), not "${name}"`,
      {
        code: 'BAD_INPUT',
        stage: 'scenario',
      },
    );
  }
  if (typeof scenario !== 'string') {
    return { name: name ?? 'scenario', file: '(definition)', def: scenario };
  }
  const file = resolve(scenario);
  const loaded = await loadScenario(basename(file).replace(/\.ts$/, ''), dirname(file), { signal });
  return name ? { ...loaded, name } : loaded;
}
