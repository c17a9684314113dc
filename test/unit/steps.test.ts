// Steps without root: the schema and the plan refuse what cannot run (the bad-input corpus's step
// cases included), checks scoped to a step are judged on that step's state under ids of their own,
// a fixed UDP source port in two probes splits into two probes' packets, and reports group by step.

import { describe, expect, it } from 'vitest';
import { packetsByProbe } from '../../src/analyse/packets-by-probe.ts';
import { kernelChecks } from '../../src/check/kernel-checks.ts';
import type { Packet } from '../../src/decode/packet.ts';
import type { KernelState } from '../../src/kernel-state/read-kernel-state.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import { toolsFor } from '../../src/preflight/check-environment.ts';
import { renderHtmlReport } from '../../src/report/html-report.ts';
import { resultWithoutRun, type ScenarioResult } from '../../src/report/scenario-result.ts';
import { probeSections } from '../../src/report/step-sections.ts';
import { glyphsFor, renderTerminalReport } from '../../src/report/terminal-report.ts';
import type { ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { validateScenario } from '../../src/scenario/validate-scenario.ts';
import { CASES } from '../fixtures/bad-input/cases/steps.ts';
import { base, nodeB } from '../fixtures/bad-input/scenarios/lib/base.ts';

const NAT = { format: 'nft' as const, text: 'table ip nat {\n}\n' };

/** The corpus's two hosts on a switch, without its probe: enough for every step kind. */
const lab = (extra: Partial<ScenarioDef> = {}): ScenarioDef => ({ ...base, probes: [], ...extra });

const plan = (def: ScenarioDef) =>
  planTopology(validateScenario(def, 't'), { scenario: 't', runId: 'r' });

function problemsOf(def: ScenarioDef): string {
  try {
    plan(def);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be refused');
}

const udp = (name: string) => ({
  name,
  from: 'a',
  kind: 'udp' as const,
  to: '10.0.0.2',
  port: 53,
  sourcePort: 40000,
  expect: 'connects' as const,
});

describe('the steps bad-input corpus, without root', () => {
  it.each(CASES)('$input: refused before any lab, naming its path', async ({ argv, message }) => {
    const [name = '', , dir] = argv;
    const refused = loadScenario(name, dir).then((s) =>
      planTopology(s.def, { scenario: name, runId: 'r' }),
    );
    await expect(refused).rejects.toMatchObject({
      code: 'INVALID_SCENARIO',
      message: expect.stringMatching(message),
    });
  });
});

describe('planning steps', () => {
  it('keeps a scenario without steps as it was: no steps, no step on any probe', () => {
    const planned = plan(lab({ probes: [udp('p')] }));
    expect(planned.steps).toEqual([]);
    expect(planned.probes[0]).not.toHaveProperty('step');
  });

  it("puts the top-level probes first, then each step's, tagged, and resolves every change", () => {
    const planned = plan(
      lab({
        probes: [udp('before')],
        steps: [
          {
            name: 'changed',
            rulesets: { a: { replace: [NAT] } },
            sysctls: { a: { 'net.ipv4.conf.eth0.rp_filter': '0' } },
            interfaces: { 'a:eth0': { mtu: 1400, up: true }, 'sw:a': { hairpin: true } },
            reset: { conntrack: ['a'], counters: ['a'] },
            probes: [udp('after')],
          },
          { name: 'flushed', rulesets: { a: { flush: true } } },
        ],
      }),
    );
    expect(planned.probes.map((p) => [p.name, p.step])).toEqual([
      ['before', undefined],
      ['after', 'changed'],
    ]);
    expect(planned.probes[1]).toMatchObject({ kind: 'udp', sourcePort: 40000 });
    expect(planned.steps[0]).toEqual({
      name: 'changed',
      rulesets: [{ node: 'a', change: 'replace', rulesets: [NAT] }],
      sysctls: [{ node: 'a', settings: { 'net.ipv4.conf.eth0.rp_filter': '0' } }],
      interfaces: [
        { node: 'a', iface: 'eth0', mtu: 1400, up: true },
        { node: 'sw', iface: 'a', hairpin: true },
      ],
      reset: { conntrack: ['a'], counters: ['a'] },
    });
    expect(planned.steps[1]?.rulesets).toEqual([{ node: 'a', change: 'flush', rulesets: [] }]);
    // A flush needs every format's tool; a conntrack reset, conntrack.
    expect(toolsFor(planned)).toEqual(
      expect.arrayContaining([
        'nft',
        'iptables-restore',
        'ip6tables-restore',
        'ebtables',
        'conntrack',
      ]),
    );
  });

  it('refuses hairpin off a bridge port, a step MTU below IPv6 minimum, a switch with rulesets, resets and sysctl devices on nothing', () => {
    const def = lab({
      nodes: { ...base.nodes, b: { ...nodeB, ipv6: true } },
      steps: [
        {
          name: 's',
          interfaces: { 'a:eth0': { hairpin: true }, 'b:eth0': { mtu: 1200 }, 'a:': { up: true } },
          rulesets: { sw: { add: [NAT] } },
          sysctls: { a: { 'net.ipv4.conf.eth7.rp_filter': '0' } },
          reset: { conntrack: ['ghost'], counters: ['b'] },
        },
      ],
    });
    const message = problemsOf(def);
    expect(message).toMatch(
      /steps\[0\]\.interfaces\["a:eth0"\]\.hairpin: a:eth0 is not a bridge port/,
    );
    expect(message).toMatch(/steps\[0\]\.interfaces\["b:eth0"\]\.mtu: 1200 is below 1280/);
    expect(message).toMatch(/steps\[0\]\.interfaces\["a:"\]: "a:" is not "node:iface"/);
    expect(message).toMatch(/steps\[0\]\.rulesets\.sw: switch sw cannot have rulesets/);
    expect(message).toMatch(
      /steps\[0\]\.sysctls\.a\["net\.ipv4\.conf\.eth7\.rp_filter"\]: node a has no interface "eth7"/,
    );
    expect(message).toMatch(/steps\[0\]\.reset\.conntrack\[0\]: unknown node "ghost"/);
    expect(message).toMatch(/step s: reset: node "b" has no rulesets/);
  });

  it('takes a counter expectation on a node whose rules come in a step; refuses a during probe of another step', () => {
    const steps = [
      { name: 'one', rulesets: { a: { add: [NAT] } }, probes: [udp('p1')] },
      { name: 'two', probes: [udp('p2')] },
    ];
    const counters = [{ on: 'a', step: 'one', rule: { table: 'nat' }, packets: { atLeast: 0 } }];
    expect(() => plan(lab({ steps, counters }))).not.toThrow();
    const flows = [
      {
        at: 'a:eth0',
        step: 'two',
        during: 'p1',
        match: { proto: 'udp' as const },
        expect: 'seen' as const,
      },
    ];
    expect(problemsOf(lab({ steps, flows }))).toMatch(
      /flows\[0\]\.step: probe "p1" does not run in step "two"/,
    );
  });

  it('refuses a ruleset change that is none of replace, add and flush', () => {
    const bad = lab({ steps: [{ name: 's', rulesets: { a: { flush: false } } }] } as never);
    expect(() => validateScenario(bad, 't')).toThrow(/steps\[0\]\.rulesets\.a/);
  });
});

describe('checks scoped to a step', () => {
  const state = (packets: number): KernelState[] => [
    {
      node: 'a',
      conntrack: [],
      entries: [],
      policies: [],
      counters: [
        {
          key: 'nft ip nat/postrouting#2',
          source: 'nft',
          table: 'ip nat',
          chain: 'postrouting',
          handle: 2,
          position: 1,
          rule: 'masquerade',
          packets,
          bytes: packets * 60,
        },
      ],
    },
  ];
  const counter = { on: 'a', rule: { chain: 'postrouting' }, packets: { exactly: 1 } };

  it("judges a step's expectation on that step's state, under an id and name carrying the step", () => {
    const checks = kernelChecks({
      kernelChecks: {
        conntrack: [],
        counters: [counter, { ...counter, step: 'reset' }, { ...counter, step: 'before' }],
        health: false,
      },
      kernelState: state(5),
      stepKernelState: new Map([
        ['before', state(4)],
        ['reset', state(1)],
      ]),
    });
    expect(checks.map((c) => [c.id, c.ok, c.step])).toEqual([
      ['counter:a-rule-postrouting-counted-exactly-1-packet', false, undefined],
      ['counter:reset:a-rule-postrouting-counted-exactly-1-packet', true, 'reset'],
      ['counter:before:a-rule-postrouting-counted-exactly-1-packet', false, 'before'],
    ]);
    expect(checks[1]?.name).toBe('reset: a rule postrouting counted exactly 1 packet');
  });
});

describe('packetsByProbe with a fixed UDP source port', () => {
  const T0 = 1_700_000_000_000_000;
  const datagram = (from: string, to: string, timeUs: number, index: number): Packet => {
    const [src = '', sport = ''] = from.split(':');
    const [dst = '', dport = ''] = to.split(':');
    return {
      point: 'b:eth0',
      index,
      timeUs,
      length: 60,
      hash: index,
      srcMac: '02:00:00:00:00:01',
      dstMac: '02:00:00:00:00:02',
      ethertype: 0x0800,
      ip: { version: 4, src, dst, protocol: 17, ttl: 64, id: index, length: 40 },
      udp: { sport: Number(sport), dport: Number(dport), payloadLength: 12 },
    };
  };

  it("gives a later probe's datagram from the same port to that probe, and a late reply to its own", () => {
    const first = datagram('10.0.0.1:40000', '10.0.0.2:53', T0 + 10, 1);
    const lateReply = datagram('10.0.0.2:53', '10.0.0.1:40000', T0 + 1_500_000, 2);
    const second = datagram('10.0.0.1:40000', '10.0.0.2:53', T0 + 2_000_010, 3);
    const secondReply = datagram('10.0.0.2:53', '10.0.0.1:40000', T0 + 2_000_100, 4);
    const byProbe = packetsByProbe(
      [first, lateReply, second, secondReply],
      [
        { name: 'before', startedAt: T0 / 1000 },
        { name: 'after', startedAt: (T0 + 1_000_000) / 1000 },
      ],
    );
    expect(byProbe.get('before')).toEqual([first, lateReply]);
    expect(byProbe.get('after')).toEqual([second, secondReply]);
  });
});

describe('reports of a scenario with steps', () => {
  const probe = (name: string, step?: string): ScenarioResult['probes'][number] => ({
    name,
    ...(step ? { step } : {}),
    from: 'a',
    to: '10.0.0.2:53',
    expect: 'connects',
    ok: true,
    startedAt: 0,
    journeys: [],
    connections: [],
  });
  const result: ScenarioResult = {
    ...resultWithoutRun({ scenario: 't', verdict: 'pass', kernel: 'k', durationMs: 1 }),
    probes: [probe('top'), probe('p1', 'one'), probe('p2', 'two')],
    steps: [
      { name: 'one', changes: ['a: rulesets flushed'], kernelState: [] },
      { name: 'two', changes: ['a:eth0 down'], kernelState: [] },
    ],
  };

  it('the terminal report and report.html show the top-level probes, then each step with its changes and probes', () => {
    const text = renderTerminalReport(result, glyphsFor(false, {}));
    const order = [
      'Probe top',
      '== Step 1 one ==',
      'a: rulesets flushed',
      'Probe p1',
      '== Step 2 two ==',
      'a:eth0 down',
      'Probe p2',
    ];
    const at = order.map((line) => text.indexOf(line));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    const html = renderHtmlReport(result);
    const places = [
      'id="probe-top"',
      'id="step-one"',
      'a: rulesets flushed',
      'id="probe-p1"',
      'id="step-two"',
    ].map((m) => html.indexOf(m));
    expect(places.every((i) => i >= 0)).toBe(true);
    expect([...places].sort((x, y) => x - y)).toEqual(places);
  });

  it('leaves a result without steps as it was: no steps key, no step on a probe', () => {
    const plain = { ...result, probes: [probe('top')], steps: undefined };
    expect(JSON.parse(JSON.stringify(plain))).not.toHaveProperty('steps');
    expect(renderTerminalReport(plain, glyphsFor(false, {}))).not.toMatch(/== Step/);
  });
});

describe('probeSections', () => {
  const probe = (name: string, step?: string) =>
    ({ name, ...(step ? { step } : {}) }) as ScenarioResult['probes'][number];
  it('groups the top-level probes, then each step, in order; a scenario without steps is one group', () => {
    const sections = probeSections({
      probes: [probe('top'), probe('p1', 'one'), probe('p2', 'two')],
      steps: [
        { name: 'one', changes: [], kernelState: [] },
        { name: 'two', changes: [], kernelState: [] },
      ],
    });
    expect(sections.map((s) => [s.step?.name, s.number, s.probes.map((p) => p.name)])).toEqual([
      [undefined, undefined, ['top']],
      ['one', 1, ['p1']],
      ['two', 2, ['p2']],
    ]);
    expect(probeSections({ probes: [probe('a')] })).toEqual([{ probes: [probe('a')] }]);
  });
});
