// conntrack's events over the run on the real kernel: a UDP exchange through a router whose table a
// step then flushes is gone from the last read, yet a `during: 'run'` expectation finds it, as it
// finds the datagram to a closed port that s refused; what never happened stays absent.
//
//   c 10.7.1.2 ── eth0 10.7.1.1  r  eth1 10.7.2.1 ── s 10.7.2.2 (UDP :53)

import { beforeAll, expect, it } from 'vitest';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import type { ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { describeLab, namespacesOf, processesMentioning } from '../support/lab.ts';

const udp = { proto: 'udp', orig: { src: '10.7.1.2', dst: '10.7.2.2', dport: 53 } } as const;

const def: ScenarioDef = {
  description: 'conntrack entries destroyed before the read, seen in the events',
  needs: ['nft', 'conntrack'],
  nodes: {
    c: {
      kind: 'host',
      interfaces: { eth0: { addresses: ['10.7.1.2/24'] } },
      routes: [{ to: 'default', via: '10.7.1.1' }],
    },
    r: {
      kind: 'router',
      interfaces: {
        eth0: { addresses: ['10.7.1.1/24'] },
        eth1: { addresses: ['10.7.2.1/24'] },
      },
      rulesets: [
        {
          format: 'nft',
          text: 'table inet lab {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n    ct state new counter accept\n  }\n}\n',
        },
      ],
    },
    s: {
      kind: 'host',
      interfaces: { eth0: { addresses: ['10.7.2.2/24'] } },
      routes: [{ to: 'default', via: '10.7.2.1' }],
      services: [{ kind: 'udp', port: 53 }],
    },
  },
  links: [
    { a: 'c:eth0', b: 'r:eth0' },
    { a: 'r:eth1', b: 's:eth0' },
  ],
  probes: [
    { name: 'dns', from: 'c', kind: 'udp', to: '10.7.2.2', port: 53, expect: 'connects' },
    // Nothing listens on 54: s answers with port unreachable.
    { name: 'closed', from: 'c', kind: 'udp', to: '10.7.2.2', port: 54, expect: 'fails' },
  ],
  steps: [{ name: 'flushed', reset: { conntrack: ['r'] } }],
  conntrack: [
    { name: 'udp during the run', on: 'r', during: 'run', match: udp, expect: 'seen' },
    { name: 'udp at the end', on: 'r', match: udp, expect: 'absent' },
    {
      name: 'closed port during the run',
      on: 'r',
      during: 'run',
      match: { proto: 'udp', orig: { dport: 54 } },
      expect: 'seen',
    },
    {
      name: 'no tcp during the run',
      on: 'r',
      during: 'run',
      match: { proto: 'tcp' },
      expect: 'absent',
    },
  ],
};

let result: ScenarioResult;

describeLab('conntrack events over the run', () => {
  beforeAll(async () => {
    result = await runScenario({ scenario: { name: 'conntrack-events', file: '', def } });
    expect(await namespacesOf(result.runId ?? '')).toEqual([]);
    expect(await processesMentioning(`nl-${result.runId}-`)).toEqual([]);
  }, 120_000);

  it('finds the flushed UDP entry in the events, not in the last read', () => {
    const check = (name: string) => result.checks.find((c) => c.name === name);
    expect(check('udp at the end')?.ok).toBe(true);
    expect(check('udp during the run')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(
        /^\d+ of \d+ events and 0 of \d+ entries on r match; first: \[NEW\] ipv4 +2 udp +17 .*dport=53/,
      ),
    });
    expect(check('closed port during the run')?.ok).toBe(true);
    expect(check('no tcp during the run')).toMatchObject({ ok: true });
    expect(result.verdict).toBe('pass');
  });

  it('keeps the events, DESTROY from the flush included, in the kernel state', () => {
    const events = result.kernelState.find((k) => k.node === 'r')?.conntrackEvents;
    expect(events?.cut).toBe(false);
    const dns = events?.events.filter((e) => e.entry.orig.dport === 53) ?? [];
    expect(dns.map((e) => e.type)).toEqual(expect.arrayContaining(['NEW', 'DESTROY']));
    expect(dns.every((e) => Math.abs(e.timeUs - Date.now() * 1000) < 120e6)).toBe(true);
  });
});
