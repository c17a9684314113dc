// conntrack -E -o extended,timestamp read into events, and conntrack expectations `during: 'run'`
// judged on them: an entry destroyed before the last read still counts.

import { describe, expect, it } from 'vitest';
import { kernelChecks } from '../../src/check/kernel-checks.ts';
import { parseConntrackEvents } from '../../src/kernel-state/conntrack-events.ts';
import type { KernelState } from '../../src/kernel-state/read-kernel-state.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import { toolsFor } from '../../src/preflight/check-environment.ts';
import type { ConntrackExpectationDef, ScenarioDef } from '../../src/scenario/define-scenario.ts';

// As conntrack 1.4 prints them: the time, the event padded to 9, then the entry as -o extended.
const OUTPUT = [
  '[1796307091.580184]\t    [NEW] ipv4     2 udp      17 30 src=10.7.1.2 dst=10.7.2.2 sport=54319 dport=53 [UNREPLIED] src=10.7.2.2 dst=10.7.1.2 sport=53 dport=54319',
  '[1796307091.580263]\t [UPDATE] ipv4     2 udp      17 30 src=10.7.1.2 dst=10.7.2.2 sport=54319 dport=53 src=10.7.2.2 dst=10.7.1.2 sport=53 dport=54319',
  '[1796307092.1]\t[DESTROY] ipv4     2 udp      17 src=10.7.1.2 dst=10.7.2.2 sport=54319 dport=53 src=10.7.2.2 dst=10.7.1.2 sport=53 dport=54319',
  'conntrack v1.4.8 (conntrack-tools): 3 flow events have been shown.',
  '',
].join('\n');

describe('parseConntrackEvents', () => {
  it('reads each event: its type, its time in microseconds, and the entry', () => {
    const events = parseConntrackEvents(OUTPUT);
    expect(events.map((e) => [e.type, e.timeUs, e.entry.orig.dport, e.entry.status])).toEqual([
      ['NEW', 1_796_307_091_580_184, 53, ['UNREPLIED']],
      ['UPDATE', 1_796_307_091_580_263, 53, ['SEEN_REPLY']],
      ['DESTROY', 1_796_307_092_100_000, 53, ['SEEN_REPLY']],
    ]);
  });

  it('leaves out what is no event', () => {
    expect(parseConntrackEvents('(conntrack -E: not found)\n[NEW] half a line\n')).toEqual([]);
  });
});

describe("conntrack expectations during: 'run'", () => {
  const udp = { proto: 'udp', orig: { dport: 53 } } as const;
  const judge = (def: ConntrackExpectationDef, state: Partial<KernelState>) =>
    kernelChecks({
      kernelChecks: { conntrack: [def], counters: [], health: false },
      kernelState: [
        { node: 'r', conntrack: [], entries: [], counters: [], policies: [], ...state },
      ],
    })[0];
  const events = { events: parseConntrackEvents(OUTPUT), cut: false };

  it('finds an entry destroyed before the read in the events, where the read alone does not', () => {
    const seen: ConntrackExpectationDef = { on: 'r', during: 'run', match: udp, expect: 'seen' };
    expect(judge(seen, { conntrackEvents: events })).toMatchObject({
      ok: true,
      detail: expect.stringMatching(
        /^3 of 3 events and 0 of 0 entries on r match; first: \[NEW\] /,
      ),
    });
    const { during: _, ...atEnd } = seen;
    expect(judge(atEnd, { conntrackEvents: events })?.ok).toBe(false);
  });

  it('absent over the run fails on a destroyed entry, and is unproven when events were lost', () => {
    const absent: ConntrackExpectationDef = {
      on: 'r',
      during: 'run',
      match: udp,
      expect: 'absent',
    };
    expect(judge(absent, { conntrackEvents: events })?.ok).toBe(false);
    const tcp = { ...absent, match: { proto: 'tcp' as const } };
    expect(judge(tcp, { conntrackEvents: events })?.ok).toBe(true);
    expect(judge(tcp, { conntrackEvents: { ...events, cut: true } })).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/the earliest events were lost .* absent is unproven$/),
    });
  });

  it('fails, saying so, when the events were not recorded', () => {
    const seen: ConntrackExpectationDef = { on: 'r', during: 'run', match: udp, expect: 'seen' };
    expect(judge(seen, {})).toMatchObject({
      ok: false,
      detail: "conntrack's events on r were not recorded",
    });
  });
});

describe('a run with conntrack expectations over the run', () => {
  const lab = (conntrack: ConntrackExpectationDef[]): ScenarioDef => ({
    description: 'x',
    nodes: {
      a: {
        kind: 'router',
        interfaces: { eth0: { addresses: ['10.0.0.1/24'] } },
        rulesets: [{ format: 'nft', text: 'table inet t {\n}\n' }],
      },
      b: { kind: 'host', interfaces: { eth0: { addresses: ['10.0.0.2/24'] } } },
    },
    links: [{ a: 'a:eth0', b: 'b:eth0' }],
    conntrack,
  });
  const plan = (def: ScenarioDef) => planTopology(def, { scenario: 't', runId: 'ctev01' });
  const seen = { on: 'a', match: { proto: 'udp' as const }, expect: 'seen' as const };

  it('needs conntrack, which a read of the table alone does not', () => {
    expect(toolsFor(plan(lab([{ ...seen, during: 'run' }])))).toContain('conntrack');
    expect(toolsFor(plan(lab([seen])))).not.toContain('conntrack');
  });
});
