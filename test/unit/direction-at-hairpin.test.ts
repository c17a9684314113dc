// Direction at a hairpin port of a bridge inside a node, on one recorded run twice: wifi-hairpin was
// recorded before natlab captured such points per direction (plain pcaps, direction by source MAC),
// wifi-hairpin-exact after (merged pcapngs with epb_flags). The access point reflects the wifi
// client's broadcast echo request back to it: it arrives at wifi:wlan0 and leaves gateway:wlan0.

import { describe, expect, it } from 'vitest';
import { ASCII_LADDER, buildLadder, renderLadderText } from '../../src/report/ladder.ts';
import { narrate } from '../../src/report/narrative.ts';
import type { ProbeReport } from '../../src/report/scenario-result.ts';
import type { FlowExpectationDef, ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { analyseFixture } from '../support/fixture-result.ts';

const REQUEST = { proto: 'icmp', icmp: { type: 8 }, src: '10.1.1.20', dst: '10.1.1.255' } as const;

/** Absent checks with a direction, each contradicted by the reflected request. */
const ABSENT: FlowExpectationDef[] = [
  {
    name: 'wifi never receives its own request',
    at: 'wifi:wlan0',
    match: { ...REQUEST, direction: 'in' },
    expect: 'absent',
  },
  {
    name: 'the access point never sends the request back out wlan0',
    at: 'gateway:wlan0',
    match: { ...REQUEST, direction: 'out' },
    expect: 'absent',
  },
];
const withAbsent = (def: ScenarioDef): ScenarioDef => ({ ...def, flows: ABSENT });

const switches = new Set(['switch']);
const ladderText = (probe: ProbeReport) =>
  renderLadderText(buildLadder(probe, switches), ASCII_LADDER).join('\n');
const narrative = (probe: ProbeReport) =>
  narrate(probe.journeys, switches)
    .map((s) => s.text)
    .join('\n');

describe('direction at a hairpin port of a bridge inside a node, on a recorded run', () => {
  it('before (plain pcaps, by source MAC): the reflected request reads as leaving the client', async () => {
    const { checks, probes, verdict } = await analyseFixture('wifi-hairpin');
    expect(verdict).toBe('fail');
    expect(checks.filter((c) => c.id.startsWith('flow:')).map((c) => [c.detail, c.ok])).toEqual([
      ['no matching packet at wifi:wlan0 during broadcast', false],
      ['no matching packet at gateway:wlan0 during broadcast', false],
    ]);
    const [probe] = probes;
    if (!probe) throw new Error('no probe');
    expect(ladderText(probe)).toContain('?');
    expect(narrative(probe)).toMatch(/last seen leaving gateway eth0/);
  });

  it('before: absent checks with a direction are weakened, passing although the request went that way', async () => {
    const { checks } = await analyseFixture('wifi-hairpin', { expect: withAbsent });
    expect(checks.filter((c) => c.id.startsWith('flow:')).map((c) => c.ok)).toEqual([true, true]);
  });

  it('after (per-direction pcapngs): the in and out checks pass, and the packets say their way', async () => {
    const { checks, probes, verdict, plan, run } = await analyseFixture('wifi-hairpin-exact');
    expect(verdict).toBe('pass');
    expect(checks.filter((c) => c.id.startsWith('flow:')).map((c) => [c.detail, c.ok])).toEqual([
      [expect.stringMatching(/^1 matching packet\(s\) at wifi:wlan0 during broadcast/), true],
      [expect.stringMatching(/^1 matching packet\(s\) at gateway:wlan0 during broadcast/), true],
    ]);
    // Only the hairpin port and the veth end facing it are recorded per direction, as pcapng.
    const perDirection = ['gateway:wlan0', 'wifi:wlan0'];
    expect(plan.captures.filter((c) => c.perDirection).map((c) => c.id)).toEqual(perDirection);
    expect(run.captures.filter((c) => c.file.endsWith('.pcapng')).map((c) => c.point)).toEqual(
      perDirection,
    );
    const [probe] = probes;
    if (!probe) throw new Error('no probe');
    const hops = probe.journeys.flatMap((j) => j.hops);
    const at = (point: string) => hops.filter((h) => h.point === point).map((h) => h.direction);
    expect(at('wifi:wlan0')).toEqual(['out', 'in']);
    expect(at('gateway:wlan0')).toEqual(['in', 'out']);
  });

  it('after: the ladder has no unknown end and the narrative no "last seen leaving"', async () => {
    const { probes } = await analyseFixture('wifi-hairpin-exact');
    const [probe] = probes;
    if (!probe) throw new Error('no probe');
    expect(ladderText(probe)).not.toContain('?');
    expect(probe.journeys.map((j) => j.fate.kind)).toEqual(['delivered']);
    expect(narrative(probe)).not.toMatch(/last seen leaving/);
  });

  it('after: absent checks with a direction see the reflected request and fail', async () => {
    const { checks } = await analyseFixture('wifi-hairpin-exact', { expect: withAbsent });
    expect(checks.filter((c) => c.id.startsWith('flow:')).map((c) => [c.detail, c.ok])).toEqual([
      [expect.stringMatching(/^1 matching packet\(s\) at wifi:wlan0; first: frame \d+/), false],
      [expect.stringMatching(/^1 matching packet\(s\) at gateway:wlan0; first: frame \d+/), false],
    ]);
  });
});
