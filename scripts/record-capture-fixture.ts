// Records a run's captures as a test fixture, so a diagnosis rule can be unit-tested on real packets:
//   node --import tsx scripts/record-capture-fixture.ts NAME SCENARIO [RULESET]
// SCENARIO is a catalog name, or a path to a scenario file (test/fixtures/capture-scenarios/).
// Writes test/fixtures/captures/NAME/: one pcap per capture point and run.json (the probes and
// checks as they came out, the kernel state, and the scenario and ruleset to plan the lab again).

import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadCandidate } from '../src/candidates/load-candidate.ts';
import { withCandidate } from '../src/run/run-candidates.ts';
import { runScenario } from '../src/run/run-scenario.ts';
import { loadScenarioNamed } from '../src/scenario/load-scenario.ts';

const [name, scenarioName, ruleset] = process.argv.slice(2);
if (!name || !scenarioName || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: record-capture-fixture.ts NAME SCENARIO [RULESET]');
  process.exit(2);
}
const loaded = await loadScenarioNamed(scenarioName);
const scenario = ruleset
  ? withCandidate(loaded, await loadCandidate(ruleset, { interfaces: {}, interfaceLists: {} }))
  : loaded;
const work = await mkdtemp(join(tmpdir(), 'natlab-fixture-'));
try {
  const result = await runScenario({ scenario, outDir: work });
  const dir = join('test/fixtures/captures', name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const capture of result.captures)
    await copyFile(capture.file, join(dir, basename(capture.file)));
  const run = {
    scenario: scenarioName,
    ruleset: ruleset ? join('test/fixtures/rulesets', basename(ruleset)) : undefined,
    verdict: result.verdict,
    captures: result.captures.map((c) => ({
      point: `${c.node}:${c.iface}`,
      file: basename(c.file),
    })),
    description: result.description,
    kernel: result.kernel,
    probes: result.probes.map(({ journeys, connections, ...probe }) => probe),
    // A replay reads no kernel health (evaluateChecks gives none without it): keep what it can give.
    checks: result.checks.filter((c) => c.id !== 'kernel-health'),
    kernelState: result.kernelState,
  };
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
  console.log(
    `${dir}: ${result.verdict}, ${result.captures.length} pcaps, ${result.diagnosis.map((d) => d.rule).join(', ') || 'no diagnosis'}`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
