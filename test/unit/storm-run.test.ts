// A run the storm guard stopped, through the run's own tail: the storm is the one thing judged, and a
// scenario may expect it (diagnosis: { storm: true }).

import { describe, expect, it } from 'vitest';
import { planTopology } from '../../src/plan/plan-topology.ts';
import { analyseCaptures } from '../../src/run/analyse-captures.ts';
import type { ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';

const storm = { point: 'sw1:loop-a', packetsPerSecond: 206059, stoppedAfterMs: 297 };
const { def } = await loadScenario('bridge-loop-storm');

function stormRun(scenario: ScenarioDef) {
  const plan = planTopology(scenario, { scenario: 'bridge-loop-storm', runId: 'storm0' });
  return analyseCaptures({ plan, probes: [], captures: [], kernelState: [], storm });
}

describe('a storm run', () => {
  it('unexpected: the storm guard check fails first, and what it stopped is not judged', async () => {
    const result = await stormRun(def);
    expect(result.verdict).toBe('fail');
    expect(result.checks).toEqual([
      {
        id: 'storm-guard',
        name: 'storm guard: no link above 20000 packets/s',
        ok: false,
        detail:
          'storm on sw1:loop-a: 206059 packets/s, stopped 297 ms after the lab came up; its bridges were set down and everything torn down',
      },
      {
        id: 'probe:broadcast',
        name: 'broadcast: h1 → 10.9.0.255 fails',
        ok: false,
        detail: 'not judged: the storm guard stopped the run',
        probe: 'broadcast',
      },
    ]);
    expect(result.diagnosis.map((f) => f.rule)).toEqual(['storm']);
    expect(result.diagnosis[0]?.summary).toMatch(/^storm on sw1:loop-a: 206059 packets\/s.*STP/);
    expect([result.probes, result.captures, result.kernelState]).toEqual([[], [], []]);
  });

  it('expected, with nothing else to judge: its check passes, and so does the run', async () => {
    const result = await stormRun({
      ...def,
      probes: def.probes?.map((p) => ({ ...p, expect: 'either' as const })),
      diagnosis: { storm: true },
    });
    expect(result.checks).toEqual([
      {
        id: 'diagnosis:storm',
        name: 'diagnosis finds storm',
        ok: true,
        detail: expect.stringMatching(/^storm on sw1:loop-a/),
      },
    ]);
    expect(result.verdict).toBe('pass');
  });

  it('expected, beside checks it stopped: those still fail, as not judged', async () => {
    const result = await stormRun({ ...def, diagnosis: { storm: true } });
    expect(result.checks.map((c) => [c.id, c.ok])).toEqual([
      ['probe:broadcast', false],
      ['diagnosis:storm', true],
    ]);
    expect(result.verdict).toBe('fail');
  });

  it('expected not to happen: its check fails with the storm', async () => {
    const result = await stormRun({ ...def, diagnosis: { storm: false } });
    expect(result.checks.map((c) => [c.id, c.ok])).toEqual([
      ['storm-guard', false],
      ['probe:broadcast', false],
      ['diagnosis:storm', false],
    ]);
  });
});
