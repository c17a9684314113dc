// `--ruleset FILE ...`: the same scenario once per candidate, each replacing the ruleset of the
// scenario's NAT node. Every file is read and translated before the first lab is built. A candidate
// whose NAT rules name addresses the scenario does not have is not run: its verdict is error, and
// its reason says which addresses differ, rather than a row of failed checks.

import { join } from 'node:path';
import { addressMismatches } from '../candidates/address-match.ts';
import { type Candidate, loadCandidate } from '../candidates/load-candidate.ts';
import { NatlabError } from '../errors.ts';
import type { CandidateRun } from '../report/candidate-matrix.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { errorResult } from './run-many.ts';
import { type RunScenarioOptions, runScenario } from './run-scenario.ts';

export interface RunCandidatesOptions extends Omit<RunScenarioOptions, 'keep' | 'runId'> {
  files: string[];
  /** From --iface-map, over the scenario's own map. */
  ifaceMap: Record<string, string>;
  onCandidate?: (candidate: Candidate, index: number, total: number) => void;
}

export async function runCandidates({
  scenario,
  files,
  ifaceMap,
  outDir,
  onCandidate,
  ...options
}: RunCandidatesOptions): Promise<CandidateRun[]> {
  const candidates = await loadCandidates(scenario, files, ifaceMap);

  const runs: CandidateRun[] = [];
  for (const [index, candidate] of candidates.entries()) {
    onCandidate?.(candidate, index, candidates.length);
    const mismatches = addressMismatches(scenario.def, candidate.ruleset);
    if (mismatches.length > 0) {
      const error = addressError(scenario, mismatches);
      runs.push({ candidate, result: errorResult(scenario, error, 0) });
      continue;
    }
    const variant = withCandidate(scenario, candidate);
    const dir = outDir ? join(outDir, `${index + 1}-${candidate.name}`) : undefined;
    runs.push({
      candidate,
      result: await runScenario({ ...options, scenario: variant, outDir: dir }),
    });
  }
  return runs;
}

/** Every candidate file read and translated for the scenario's NAT node, or why it takes none. */
export async function loadCandidates(
  scenario: LoadedScenario,
  files: readonly string[],
  ifaceMap: Record<string, string>,
): Promise<Candidate[]> {
  const nat = scenario.def.nat;
  const node = nat ? scenario.def.nodes[nat.node] : undefined;
  if (!nat || !node) {
    throw new NatlabError(
      `scenario "${scenario.name}" names no NAT node (nat: { node }), so it takes no --ruleset`,
      {
        code: 'BAD_INPUT',
        stage: 'candidates',
      },
    );
  }
  const maps = {
    interfaces: { ...nat.ifaceMap, ...ifaceMap },
    interfaceLists: nat.interfaceLists ?? {},
    addresses: Object.fromEntries(
      Object.entries(node.interfaces ?? {}).map(([name, i]) => [name, i.addresses ?? []]),
    ),
  };
  const candidates: Candidate[] = [];
  for (const file of files) candidates.push(await loadCandidate(file, maps));
  return candidates;
}

/** The scenario with its NAT node's ruleset replaced by the candidate's. */
export function withCandidate(scenario: LoadedScenario, candidate: Candidate): LoadedScenario {
  const nat = scenario.def.nat;
  const node = nat ? scenario.def.nodes[nat.node] : undefined;
  if (!nat || !node) return scenario;
  const nodes = { ...scenario.def.nodes, [nat.node]: { ...node, rulesets: [candidate.ruleset] } };
  return { ...scenario, def: { ...scenario.def, nodes } };
}

function addressError(scenario: LoadedScenario, mismatches: string[]): NatlabError {
  return new NatlabError(
    `not run: its addresses are not the scenario's (${mismatches.join('; ')}). Its checks would fail for that alone. Judge it on a lab with your addresses: portForwardLab({ publicIp, lanCidr, server, forwards }) in a scenario of your own, or use ${scenario.name}'s addresses in the candidate`,
    { code: 'BAD_INPUT', stage: 'candidates' },
  );
}
