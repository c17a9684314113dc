// A recorded run (test/fixtures/captures/NAME, by scripts/record-capture-fixture.ts) analysed again,
// without root: the lab planned from its scenario, the pcaps decoded, the analysis run.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyseRun } from '../../src/analyse/analyse-run.ts';
import { directionResolver } from '../../src/analyse/packet-direction.ts';
import { loadCandidate } from '../../src/candidates/load-candidate.ts';
import type { CheckResult } from '../../src/check/evaluate-checks.ts';
import { readPcap } from '../../src/decode/read-pcap.ts';
import type { KernelState } from '../../src/kernel-state/read-kernel-state.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import {
  type ProbeReport,
  type ScenarioResult,
  summarizeTopology,
} from '../../src/report/scenario-result.ts';
import { withCandidate } from '../../src/run/run-candidates.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';

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

export async function analyseFixture(name: string) {
  const dir = join('test/fixtures/captures', name);
  const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RecordedRun;
  const loaded = await loadScenario(run.scenario);
  const scenario = run.ruleset
    ? withCandidate(
        loaded,
        await loadCandidate(run.ruleset, { interfaces: {}, interfaceLists: {} }),
      )
    : loaded;
  const plan = planTopology(scenario.def, { scenario: run.scenario, runId: 'fixtr0' });
  const perFile = await Promise.all(run.captures.map((c) => readPcap(join(dir, c.file), c.point)));
  const packets = perFile.flat();
  const directionOf = directionResolver(plan, packets);
  const analysis = analyseRun({
    plan,
    probes: run.probes,
    packets,
    directionOf,
    kernelState: run.kernelState,
  });
  return { run, plan, dir, perFile, ...analysis };
}

/** The ScenarioResult the run would have given, from its recording. */
export async function renderFixtureResult(name: string): Promise<ScenarioResult> {
  const { run, plan, dir, perFile, journeys, findings } = await analyseFixture(name);
  return {
    scenario: run.scenario,
    description: run.description,
    runId: 'fixtr0',
    verdict: run.verdict,
    kernel: run.kernel,
    capabilities: [],
    topology: summarizeTopology(plan),
    checks: run.checks,
    probes: run.probes.map((p, i) => ({
      ...p,
      journeys: journeys[i]?.journeys ?? [],
      connections: journeys[i]?.connections ?? [],
    })),
    diagnosis: findings,
    kernelState: run.kernelState,
    captures: run.captures.map((c, i) => {
      const [node = '', iface = ''] = c.point.split(':');
      return { node, iface, file: join(dir, c.file), packets: perFile[i]?.length ?? 0 };
    }),
    rulesets: [],
    outDir: dir,
    timings: [],
    durationMs: 0,
  };
}
