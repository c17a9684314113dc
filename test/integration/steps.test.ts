// Steps on the real kernel: each kind of change made mid-run shows in the next probe's outcome, and
// kernel-state expectations scoped to a step are judged on that step's state.
//
//   c 10.7.1.2 ── eth0 10.7.1.1  r  eth1 10.7.2.1 ── s 10.7.2.2 (UDP :53)
//   h 10.8.0.1 ── sw ── gw (br0 over eth0: one port, so only hairpin sends a frame back out of it)

import { beforeAll, expect, it } from 'vitest';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import type { ProbeDef, RulesetDef, ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { describeLab, namespacesOf } from '../support/lab.ts';

const run = (def: ScenarioDef) => runScenario({ scenario: { name: 'steps', file: '', def } });

/** r's forward chain with one rule on the UDP datagrams to s; ct state makes r track them. */
const forward = (verdict: string): RulesetDef => ({
  format: 'nft',
  text: `table inet lab {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n    ct state new udp dport 53 counter ${verdict} comment "dns"\n  }\n}\n`,
});

const datagram = (name: string, expect: ProbeDef['expect']): ProbeDef => ({
  name,
  from: 'c',
  kind: 'udp',
  to: '10.7.2.2',
  port: 53,
  expect,
});

const ping = (name: string, size: number, expect: ProbeDef['expect']): ProbeDef => ({
  name,
  from: 'c',
  ping: '10.7.2.2',
  size,
  dontFragment: true,
  expect,
});

const dnsCounter = (step: string) => ({
  on: 'r',
  step,
  rule: { comment: 'dns' },
  packets: { exactly: 1 },
});

const routed: ScenarioDef = {
  description: 'a router changed step by step',
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
      rulesets: [forward('accept')],
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
  probes: [datagram('first', 'connects')],
  steps: [
    {
      name: 'blocked',
      rulesets: { r: { replace: [forward('drop')] } },
      probes: [datagram('dropped', 'fails')],
    },
    { name: 'flushed', rulesets: { r: { flush: true } }, probes: [datagram('open', 'connects')] },
    {
      name: 'no-forwarding',
      sysctls: { r: { 'net.ipv4.ip_forward': '0' } },
      probes: [datagram('not-forwarded', 'fails')],
    },
    {
      name: 'forwarding',
      sysctls: { r: { 'net.ipv4.ip_forward': '1' } },
      probes: [datagram('forwarded', 'connects')],
    },
    {
      name: 'link-down',
      interfaces: { 'r:eth1': { up: false } },
      probes: [datagram('cut-off', 'fails')],
    },
    {
      name: 'link-up',
      interfaces: { 'r:eth1': { up: true } },
      probes: [datagram('reconnected', 'connects')],
    },
    {
      name: 'small-mtu',
      interfaces: { 'c:eth0': { mtu: 1400 } },
      probes: [ping('too-big', 1400, 'fails'), ping('fits', 1300, 'connects')],
    },
    {
      name: 'counting',
      rulesets: { r: { add: [forward('accept')] } },
      probes: [datagram('counted', 'connects')],
    },
    {
      name: 'counters-reset',
      reset: { counters: ['r'] },
      probes: [datagram('counted-again', 'connects')],
    },
    { name: 'conntrack-flushed', reset: { conntrack: ['r'] } },
  ],
  counters: [dnsCounter('counting'), dnsCounter('counters-reset')],
  conntrack: [
    {
      on: 'r',
      step: 'counters-reset',
      match: { proto: 'udp', orig: { dst: '10.7.2.2', dport: 53 } },
      expect: 'seen',
    },
    {
      on: 'r',
      step: 'conntrack-flushed',
      match: { proto: 'udp', orig: { dst: '10.7.2.2', dport: 53 } },
      expect: 'absent',
    },
  ],
};

const hairpin: ScenarioDef = {
  description: 'hairpin on a bridge port, toggled',
  nodes: {
    h: { kind: 'host', interfaces: { eth0: { addresses: ['10.8.0.1/24'] } } },
    sw: { kind: 'switch' },
    gw: { kind: 'host', interfaces: { br0: { bridge: ['eth0'] } } },
  },
  links: [
    { a: 'h:eth0', b: 'sw' },
    { a: 'gw:eth0', b: 'sw' },
  ],
  // A broadcast nobody answers (Linux ignores broadcast pings): only a hairpin port sends it back.
  probes: [{ name: 'off', from: 'h', ping: '10.8.0.255', broadcast: true, expect: 'fails' }],
  steps: [
    {
      name: 'hairpin-on',
      interfaces: { 'gw:eth0': { hairpin: true } },
      probes: [{ name: 'on', from: 'h', ping: '10.8.0.255', broadcast: true, expect: 'fails' }],
    },
    {
      name: 'hairpin-off',
      interfaces: { 'gw:eth0': { hairpin: false } },
      probes: [
        { name: 'off-again', from: 'h', ping: '10.8.0.255', broadcast: true, expect: 'fails' },
      ],
    },
  ],
  flows: [
    ...(['hairpin-on', 'hairpin-off'] as const).map((step) => ({
      name: 'the broadcast comes back from gw',
      step,
      at: 'sw:gw',
      match: { proto: 'icmp' as const, src: '10.8.0.1', direction: 'in' as const },
      ...(step === 'hairpin-on' ? { expect: 'seen' as const } : { expect: 'absent' as const }),
    })),
    {
      name: 'no broadcast comes back before hairpin',
      during: 'off',
      at: 'sw:gw',
      match: { proto: 'icmp', src: '10.8.0.1', direction: 'in' },
      expect: 'absent',
    },
  ],
};

describeLab('steps on the real kernel', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await run(routed);
  }, 60_000);
  const ok = (probe: string) => result.probes.find((p) => p.name === probe)?.ok;

  it('runs every step in order, each probe tagged with its step, and every check holds', async () => {
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(result.steps?.map((s) => s.name)).toEqual(routed.steps?.map((s) => s.name));
    expect(result.probes.map((p) => p.step)).toEqual([
      undefined,
      ...(routed.steps ?? []).flatMap((s) => (s.probes ?? []).map(() => s.name)),
    ]);
    expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  });

  it('a ruleset replaced mid-run changes the outcome, and a flush opens the path again', () => {
    expect([ok('first'), ok('dropped'), ok('open')]).toEqual([true, false, true]);
    expect(result.steps?.[0]?.changes).toEqual(['r: rulesets replaced (nft)']);
    // The flush left r without a single rule: no counters after it.
    const flushed = result.steps?.[1]?.kernelState.find((k) => k.node === 'r');
    expect(flushed?.counters).toEqual([]);
  });

  it('ip_forward 0 stops forwarding, 1 starts it again', () => {
    expect([ok('not-forwarded'), ok('forwarded')]).toEqual([false, true]);
  });

  it('a link down cuts the path, up again restores it', () => {
    expect([ok('cut-off'), ok('reconnected')]).toEqual([false, true]);
  });

  it("a smaller MTU refuses a don't-fragment ping that no longer fits", () => {
    expect([ok('too-big'), ok('fits')]).toEqual([false, true]);
    expect(result.probes.find((p) => p.name === 'too-big')?.error).toMatch(/too long|mtu/i);
  });

  it('counters reset: the step-scoped counter is exactly the step’s one datagram', () => {
    const counted = result.checks.filter((c) => c.id.startsWith('counter:'));
    expect(counted.map((c) => [c.id, c.ok])).toEqual([
      ['counter:counting:r-rule-dns-counted-exactly-1-packet', true],
      ['counter:counters-reset:r-rule-dns-counted-exactly-1-packet', true],
    ]);
    // Without the reset, the same rule would have counted both datagrams.
    const final = result.kernelState.find((k) => k.node === 'r');
    expect(final?.counters.find((c) => c.comment === 'dns')?.packets).toBe(1);
  });

  it('conntrack flushed: the entry seen after one step is gone after the next', () => {
    const tracked = result.checks.filter((c) => c.id.startsWith('conntrack:'));
    expect(tracked.map((c) => [c.step, c.ok])).toEqual([
      ['counters-reset', true],
      ['conntrack-flushed', true],
    ]);
    expect(result.steps?.at(-1)?.kernelState.find((k) => k.node === 'r')?.entries).toEqual([]);
  });

  it('hairpin on reflects a broadcast back out its port; off again, it does not', async () => {
    const toggled = await run(hairpin);
    expect(toggled.checks.filter((c) => !c.ok)).toEqual([]);
    expect(toggled.checks.filter((c) => c.id.startsWith('flow:')).map((c) => c.id)).toEqual([
      'flow:hairpin-on:the-broadcast-comes-back-from-gw',
      'flow:hairpin-off:the-broadcast-comes-back-from-gw',
      'flow:no-broadcast-comes-back-before-hairpin',
    ]);
  }, 60_000);
});
