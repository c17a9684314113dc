// natlab/vitest's pure parts: the checks a scenario declares before it runs, and the message of a
// failed check (its detail, the diagnosis of its probe, the probe's ladder, report.html).

import { describe, expect, it } from 'vitest';
import { renderCheckFailure } from '../../src/report/check-failure.ts';
import { glyphsFor } from '../../src/report/terminal-report.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { plannedChecks } from '../../src/vitest/planned-checks.ts';
import { analyseFixture, renderFixtureResult } from '../support/fixture-result.ts';

const plain = glyphsFor(false);

describe('plannedChecks', () => {
  it('names every check a real run of the scenario gave, in its order', async () => {
    const { run } = await analyseFixture('hairpin-broken');
    const { def } = await loadScenario('hairpin-broken');
    const planned = plannedChecks(def, 'hairpin-broken');
    // The recording predates the kernel-health check, which every live run gives last.
    expect(planned.at(-1)?.id).toBe('kernel-health');
    expect(planned.slice(0, -1).map((c) => c.name)).toEqual(run.checks.map((c) => c.name));
    expect(planned.map((c) => c.id)).toContain('probe:lan-client');
    expect(planned.map((c) => c.id)).toContain('diagnosis:asymmetric-reply');
  });

  it('gives flows of one name distinct ids, and probes whose outcome is a race no check', async () => {
    const { def } = await loadScenario('bridge-nat-hairpin-port');
    const planned = plannedChecks(
      {
        ...def,
        flows: [
          { name: 'twice', at: 'wired:eth0', match: { proto: 'tcp' }, expect: 'seen' },
          { name: 'twice', at: 'wifi:wlan0', match: { proto: 'tcp' }, expect: 'seen' },
        ],
      },
      'bridge-nat-hairpin-port',
    );
    const ids = planned.map((c) => c.id);
    expect(ids).toContain('flow:twice');
    expect(ids).toContain('flow:twice~2');
    expect(new Set(ids).size).toBe(ids.length);
    const either = (def.probes ?? []).filter((p) => p.expect === 'either').map((p) => p.name);
    expect(either.length).toBeGreaterThan(0);
    for (const probe of either) expect(ids).not.toContain(`probe:${probe}`);
  });

  it('refuses an invalid scenario with the planner error', () => {
    expect(() =>
      plannedChecks({ description: 'x', nodes: {}, links: [{ a: 'ghost:eth0', b: 'gone' }] }, 'x'),
    ).toThrow(/ghost/);
  });
});

describe('renderCheckFailure', () => {
  it("carries the check, its probe's diagnosis and ladder, and report.html", async () => {
    const result = await renderFixtureResult('hairpin-broken');
    const check = {
      id: 'probe:lan-client',
      name: 'lan-client: client → 203.0.113.1:80 connects',
      ok: false,
      detail: 'failed: curl: (28) Failed to connect',
      probe: 'lan-client',
    };
    const text = renderCheckFailure(result, check, plain, '/out/report.html');
    const lines = text.split('\n');
    expect(lines[0]).toBe('hairpin-broken: lan-client: client → 203.0.113.1:80 connects');
    expect(lines[1]).toBe('  failed: curl: (28) Failed to connect');
    expect(text).toMatch(
      /\[asymmetric-reply\] lan-client: client sent its SYN to 203\.0\.113\.1:80/,
    );
    expect(text).toMatch(/Probe lan-client: client -> 203\.0\.113\.1:80 \(expected to fail\)/);
    expect(text).toMatch(/^ +client +router +server$/m);
    expect(text).toMatch(/^ {2}2 SYN-ACK/m);
    expect(text).not.toMatch(/client sends SYN/); // the narrative stays in the report
    expect(lines.at(-1)).toBe('report: /out/report.html');
  });

  it("leaves out findings of other probes, and a whole-run flow's ladder", async () => {
    const result = await renderFixtureResult('hairpin-broken');
    const remote = { id: 'probe:remote', name: 'remote', ok: false, detail: 'd', probe: 'remote' };
    const text = renderCheckFailure(result, remote, plain);
    expect(text).not.toMatch(/asymmetric-reply/);
    expect(text).toMatch(/Probe remote: remote -> 203\.0\.113\.1:80/);
    expect(text).not.toMatch(/report:/);
    const flow = { id: 'flow:x', name: 'x', ok: false, detail: 'd' };
    const whole = renderCheckFailure(result, flow, plain);
    expect(whole).toMatch(/asymmetric-reply/);
    expect(whole).not.toMatch(/Probe /);
  });
});
