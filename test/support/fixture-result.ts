// A recorded run (test/fixtures/captures/NAME, by scripts/record-capture-fixture.ts) analysed again,
// without root: the lab planned from its scenario, the pcaps read, and the run's own tail
// (analyseCaptures) over them.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCandidate } from '../../src/candidates/load-candidate.ts';
import type { CheckResult } from '../../src/check/evaluate-checks.ts';
import { readPcapFile } from '../../src/decode/read-captures.ts';
import { parseConntrack } from '../../src/kernel-state/parse-conntrack.ts';
import { parseIptablesCounters, parseNftCounters } from '../../src/kernel-state/parse-counters.ts';
import type { KernelState } from '../../src/kernel-state/read-kernel-state.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import {
  type ProbeReport,
  type ScenarioResult,
  summarizeTopology,
} from '../../src/report/scenario-result.ts';
import { analyseCaptures } from '../../src/run/analyse-captures.ts';
import { withCandidate } from '../../src/run/run-candidates.ts';
import type { ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { loadScenarioNamed } from '../../src/scenario/load-scenario.ts';

interface RecordedRun {
  scenario: string;
  ruleset?: string;
  description?: string;
  kernel: string;
  verdict: ScenarioResult['verdict'];
  captures: { point: string; file: string }[];
  probes: (Omit<ProbeReport, 'journeys' | 'connections'> & { url?: string })[];
  checks: CheckResult[];
  kernelState: KernelState[];
}

export interface FixtureOptions {
  /** Changes the scenario's expectations before the lab is planned: the same traffic, judged anew. */
  expect?: (def: ScenarioDef) => ScenarioDef;
}

/** The lan-client probe expected to connect, and no asymmetric reply: hairpin-masquerade's view. */
export const expectHairpinFixed = (def: ScenarioDef): ScenarioDef => ({
  ...def,
  probes: def.probes?.map((p) =>
    p.name === 'lan-client' ? { ...p, expect: 'connects' as const } : p,
  ),
  diagnosis: { 'asymmetric-reply': false },
});

export async function analyseFixture(name: string, { expect = (def) => def }: FixtureOptions = {}) {
  const dir = join('test/fixtures/captures', name);
  const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RecordedRun;
  const loaded = await loadScenarioNamed(run.scenario);
  const scenario = run.ruleset
    ? withCandidate(
        loaded,
        await loadCandidate(run.ruleset, { interfaces: {}, interfaceLists: {} }),
      )
    : loaded;
  const plan = planTopology(expect(scenario.def), { scenario: run.scenario, runId: 'fixtr0' });
  const captures = await Promise.all(
    run.captures.map(async (c) => {
      const point = plan.captures.find((p) => p.id === c.point);
      if (!point) throw new Error(`${name}: the plan has no capture point ${c.point}`);
      return { point, ...(await readPcapFile(join(dir, c.file))) };
    }),
  );
  // A recording keeps a probe's time only in its checks' ms (the oldest, not even there: 0 ms).
  // What was expected is the plan's (so `expect` can change it); what happened, the recording's.
  const probes = run.probes.map((p) => ({
    ...p,
    expect: plan.probes.find((q) => q.name === p.name)?.expect ?? p.expect,
    endedAt: p.startedAt + (run.checks.find((c) => c.probe === p.name)?.ms ?? 0),
  }));
  const analysis = await analyseCaptures({
    plan,
    probes,
    captures,
    kernelState: run.kernelState.map(upgradeKernelState),
  });
  return {
    run,
    plan,
    dir,
    ...analysis,
    findings: analysis.diagnosis,
    journeys: analysis.probes,
  };
}

/**
 * The ScenarioResult the run would have given, from its recording; with `expect`, as judged against
 * those expectations (the replay's checks and verdict).
 */
export async function renderFixtureResult(
  name: string,
  options: FixtureOptions = {},
): Promise<ScenarioResult> {
  const { run, plan, probes, diagnosis, captures, checks, verdict } = await analyseFixture(
    name,
    options,
  );
  const judged = options.expect !== undefined;
  return {
    scenario: run.scenario,
    description: run.description,
    runId: 'fixtr0',
    verdict: judged ? verdict : run.verdict,
    kernel: run.kernel,
    capabilities: [],
    topology: summarizeTopology(plan),
    // As recorded: the HTTP status and timings in their details are not in the recording otherwise.
    checks: judged ? checks : run.checks,
    probes,
    diagnosis,
    kernelState: run.kernelState,
    captures,
    rulesets: [],
    outDir: join('test/fixtures/captures', name),
    timings: [],
    durationMs: 0,
  };
}

/** A recording older than parsed kernel state: its conntrack lines and counters read again. */
function upgradeKernelState(recorded: KernelState): KernelState {
  const state: Partial<KernelState> & Pick<KernelState, 'node' | 'conntrack' | 'counters'> =
    recorded;
  // Recorded before chain policies were read: none known.
  const policies = state.policies ?? [];
  if (state.entries) return { ...recorded, policies };
  const iptables = state.counters.filter((c) => c.rule.startsWith('-A '));
  const nft = state.counters.filter((c) => !c.rule.startsWith('-A '));
  return {
    ...state,
    policies,
    entries: parseConntrack(state.conntrack),
    counters: [
      ...parseIptablesCounters(
        iptables.flatMap((c) => [`*${c.table}`, `[${c.packets}:${c.bytes}] ${c.rule}`]),
      ),
      ...parseNftCounters(nft.flatMap((c) => [`table ${c.table} {`, c.rule])),
    ],
  };
}
