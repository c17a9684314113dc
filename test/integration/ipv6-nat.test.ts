// IPv6 NAT on the real kernel: the NAT66 lab's router loaded in every format that holds IPv6 NAT
// (ip6tables-restore, ip6tables command lines, nft ip6 and inet tables), one step each, with every
// probe kind over IPv6 through it and conntrack and counter expectations on the IPv6 state.
//
//   remote 2001:db8:100::10 ── isp ── wan0 2001:db8:203::1 router lan0 fd00:1::1 ── lan switch
//                                                     server fd00:1::2 ─┤
//                                                     client fd00:1::10 ┘

import { beforeAll, expect, it } from 'vitest';
import {
  CLIENT6,
  HAIRPIN_MASQUERADE6,
  ip6PortForward,
  ipv6NatLab,
  nftPortForward,
  PUBLIC6,
  PUBLIC6_URL,
  REMOTE6,
  ROUTER_LAN6,
  SERVER6,
  TCP_PORT,
  UDP_PORT,
} from '../../scenarios/lib/ipv6-nat-lab.ts';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import type {
  ConntrackExpectationDef,
  CounterExpectationDef,
  ProbeDef,
  RulesetDef,
  ScenarioDef,
  StepDef,
} from '../../src/scenario/define-scenario.ts';
import { describeLab, namespacesOf } from '../support/lab.ts';

/** The LAN client's three connections and a ping, named after the step; the server sees the router. */
function lanProbes(step: string, serverSees = ROUTER_LAN6): ProbeDef[] {
  return [
    { name: `${step}-http`, from: 'client', url: PUBLIC6_URL, expect: 'connects', serverSees },
    {
      name: `${step}-udp`,
      from: 'client',
      kind: 'udp',
      to: PUBLIC6,
      port: UDP_PORT,
      expect: 'connects',
      serverSees,
    },
    {
      name: `${step}-tcp`,
      from: 'client',
      kind: 'tcp',
      to: PUBLIC6,
      port: TCP_PORT,
      expect: 'connects',
      serverSees,
    },
    { name: `${step}-ping`, from: 'client', ping: PUBLIC6, expect: 'connects' },
  ];
}

/** ip6PortForward's rules as ip6tables command lines (no shell: one argv per line). */
function asCommands(ruleset: RulesetDef): RulesetDef {
  const rules = ruleset.text.split('\n').filter((l) => l.startsWith('-A '));
  return {
    format: 'ip6tables-commands',
    text: rules.map((r) => `ip6tables -t nat ${r}`).join('\n'),
  };
}

/** A step that loads `rulesets` afresh (conntrack and counters cleared) and probes from the LAN. */
function natStep(name: string, rulesets: RulesetDef[]): StepDef {
  return {
    name,
    rulesets: { router: { replace: rulesets } },
    reset: { conntrack: ['router'], counters: ['router'] },
    probes: lanProbes(name),
  };
}

/** The hairpin masquerade (postrouting's second rule) counted the step's three LAN connections. */
function hairpinCounted(step: string, table: string, chain: string): CounterExpectationDef {
  return {
    name: `${table} ${chain} #2 counted 3`,
    on: 'router',
    step,
    rule: { table, chain, position: 2 },
    packets: { exactly: 3 },
  };
}

/** The step's UDP flow, DNATed to the server and masqueraded to the router's LAN address. */
function udpTracked(step: string): ConntrackExpectationDef {
  return {
    name: 'UDP flow masqueraded',
    on: 'router',
    step,
    match: {
      proto: 'udp',
      orig: { src: CLIENT6, dst: PUBLIC6, dport: UDP_PORT },
      // Written longhand: conntrack prints the short form, and addresses compare as addresses.
      reply: { src: 'fd00:1:0:0:0:0:0:2', sport: UDP_PORT, dst: 'fd00:0001::0001' },
    },
    expect: 'seen',
  };
}

/** Step-scoped, as every kernel expectation here: a top-level one is judged after the last step. */
const BROKEN = 'broken';

const scenario: ScenarioDef = {
  description: 'IPv6 NAT in every format, every probe kind',
  needs: ['nft', 'conntrack'],
  ...ipv6NatLab([ip6PortForward()]),
  steps: [
    // The lab as loaded, no change: the port forwards from the internet, and the broken hairpin.
    {
      name: BROKEN,
      probes: [
        {
          name: 'remote-http',
          from: 'remote',
          url: PUBLIC6_URL,
          expect: 'connects',
          serverSees: REMOTE6,
        },
        {
          name: 'remote-udp',
          from: 'remote',
          kind: 'udp',
          to: PUBLIC6,
          port: UDP_PORT,
          expect: 'connects',
          serverSees: REMOTE6,
        },
        {
          name: 'remote-tcp',
          from: 'remote',
          kind: 'tcp',
          to: PUBLIC6,
          port: TCP_PORT,
          expect: 'connects',
          // The same address, spelled out: "server saw" compares addresses.
          serverSees: '2001:0db8:0100:0000:0000:0000:0000:0010',
        },
        {
          name: 'remote-ping',
          from: 'remote',
          ping: PUBLIC6,
          size: 1232,
          dontFragment: true,
          expect: 'connects',
        },
        // No hairpin SNAT yet: the server answers the client straight from its ULA.
        { name: 'hairpin-broken', from: 'client', url: PUBLIC6_URL, expect: 'fails' },
      ],
    },
    natStep('ip6tables', [ip6PortForward([HAIRPIN_MASQUERADE6])]),
    natStep('commands', [asCommands(ip6PortForward([HAIRPIN_MASQUERADE6]))]),
    // The same rules kept, their counters zeroed (ip6tables -Z): one more connection counts 1.
    {
      name: 'zeroed',
      reset: { counters: ['router'] },
      probes: [{ name: 'zeroed-http', from: 'client', url: PUBLIC6_URL, expect: 'connects' }],
    },
    natStep('nft-ip6', [nftPortForward('ip6', true)]),
    natStep('nft-inet', [nftPortForward('inet', true)]),
    {
      name: 'flushed',
      rulesets: { router: { flush: true } },
      reset: { conntrack: ['router'] },
      // No DNAT: the router itself is asked, and nothing listens there.
      probes: [{ name: 'flushed-http', from: 'client', url: PUBLIC6_URL, expect: 'fails' }],
    },
  ],
  conntrack: [
    {
      name: 'the broken hairpin stays SYN_SENT [UNREPLIED], its reply from the server to the client',
      on: 'router',
      step: BROKEN,
      match: {
        proto: 'tcp',
        state: 'SYN_SENT',
        status: ['UNREPLIED'],
        orig: { src: CLIENT6, dst: PUBLIC6, dport: 80 },
        reply: { src: SERVER6, dst: CLIENT6 },
      },
      expect: 'seen',
    },
    ...['ip6tables', 'commands', 'nft-ip6', 'nft-inet'].map(udpTracked),
    {
      name: 'no entry is NATed to the server any more',
      on: 'router',
      step: 'flushed',
      match: { reply: { src: SERVER6 } },
      expect: 'absent',
    },
  ],
  counters: [
    {
      name: 'the HTTP DNAT counted the remote connection and the broken hairpin',
      on: 'router',
      step: BROKEN,
      rule: { table: 'ip6 nat', chain: 'PREROUTING', position: 1 },
      packets: { exactly: 2 },
    },
    hairpinCounted('ip6tables', 'ip6 nat', 'POSTROUTING'),
    hairpinCounted('commands', 'ip6 nat', 'POSTROUTING'),
    {
      name: 'the hairpin masquerade counted only the connection since',
      on: 'router',
      step: 'zeroed',
      rule: { table: 'ip6 nat', chain: 'POSTROUTING', position: 2 },
      packets: { exactly: 1 },
    },
    hairpinCounted('nft-ip6', 'ip6 nat', 'postrouting'),
    hairpinCounted('nft-inet', 'inet nat', 'postrouting'),
  ],
  diagnosis: { 'asymmetric-reply': true },
};

describeLab('IPv6 NAT on the real kernel', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runScenario({ scenario: { name: 'ipv6-nat', file: '', def: scenario } });
  }, 120_000);

  it('holds every check: probes, server saw, conntrack and counters in each format', async () => {
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  });

  it('runs every probe kind over IPv6, each seeing the address NAT left it', () => {
    const saw = (name: string) => result.probes.find((p) => p.name === name);
    expect(saw('remote-http')).toMatchObject({ ok: true, serverSaw: REMOTE6 });
    expect(saw('remote-udp')).toMatchObject({ ok: true, serverSaw: REMOTE6 });
    expect(saw('remote-tcp')).toMatchObject({ ok: true, serverSaw: REMOTE6 });
    expect(saw('remote-ping')).toMatchObject({ ok: true, replies: { received: 1, sent: 1 } });
    for (const step of ['ip6tables', 'commands', 'nft-ip6', 'nft-inet'])
      for (const kind of ['http', 'udp', 'tcp'])
        expect(saw(`${step}-${kind}`)).toMatchObject({ ok: true, serverSaw: ROUTER_LAN6 });
    expect(saw('flushed-http')).toMatchObject({ ok: false });
  });

  it('reads the IPv6 counters under their own keys, ip6tables and nft apart', () => {
    const keys = (step: string) =>
      result.steps
        ?.find((s) => s.name === step)
        ?.kernelState?.find((k) => k.node === 'router')
        ?.counters.map((c) => c.key);
    expect(keys('ip6tables')).toContain('ip6tables nat/POSTROUTING#2');
    expect(keys('ip6tables')?.filter((k) => k.startsWith('nft '))).toEqual([]);
    expect(keys('nft-ip6')?.some((k) => k.startsWith('nft ip6 nat/postrouting#'))).toBe(true);
    expect(keys('nft-inet')?.some((k) => k.startsWith('nft inet nat/postrouting#'))).toBe(true);
  });

  it('follows the broken hairpin as IPv4 is followed, with no neighbour discovery in it', () => {
    const broken = result.probes.find((p) => p.name === 'hairpin-broken');
    expect(broken?.journeys.map((j) => j.kind)).toEqual([
      'SYN',
      'ICMPv6 redirect',
      'SYN-ACK',
      'RST',
    ]);
    expect(result.diagnosis.map((f) => [f.rule, f.probe])).toEqual([
      ['asymmetric-reply', 'hairpin-broken'],
    ]);
  });
});
