// One end of each veth pair is read to know the pair is up.

import { describe, expect, it } from 'vitest';
import { singleSwitch } from '../../scripts/bench-build.ts';
import { vethWitnesses } from '../../src/backend/netns/wait-links-up.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';

const opts = { scenario: 't', runId: 'wit000' };

describe('vethWitnesses: one end per veth pair is read to know the pair is up', () => {
  it('reads only the switch of a single-switch lab, however many hosts', () => {
    const plan = planTopology(singleSwitch(50), opts);
    expect(vethWitnesses(plan).map((n) => n.name)).toEqual(['s1']);
  });

  it('covers every link of the hairpin lab with fewer reads than nodes', async () => {
    const plan = planTopology((await loadScenario('hairpin-broken')).def, opts);
    const names = vethWitnesses(plan).map((n) => n.name);
    for (const link of plan.links)
      expect(names.includes(link.a.node) || names.includes(link.b.node)).toBe(true);
    expect(names.length).toBeLessThan(plan.nodes.length);
  });
});
