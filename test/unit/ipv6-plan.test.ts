// IPv6 in the plan and the probes: IPv6 on a node without `ipv6: true` is refused by path, an IPv6
// router forwards IPv6, ping says -6, and "server saw" compares addresses however written.

import { describe, expect, it } from 'vitest';
import { evaluateChecks } from '../../src/check/evaluate-checks.ts';
import { NatlabError } from '../../src/errors.ts';
import { sameAddress } from '../../src/net/addresses.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import { toolsFor } from '../../src/preflight/check-environment.ts';
import type { ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { pingArgv } from '../../src/traffic/run-probes.ts';

const opts = { scenario: 'test', runId: 'abc123' };

/** A client and a server on either side of a router, every node dual-stack unless `ipv6` says. */
function routed(ipv6 = true): ScenarioDef {
  return {
    description: 'client, router, server',
    nodes: {
      client: {
        kind: 'host',
        ipv6,
        interfaces: { eth0: { addresses: ['10.0.0.2/24', 'fd00:1::2/64'] } },
        routes: [
          { to: 'default', via: '10.0.0.1' },
          { to: '2001:db8::/32', via: 'fd00:1::1' },
        ],
        neighbors: { 'fd00:1::1': 'router:lan0' },
      },
      router: {
        kind: 'router',
        ipv6: true,
        interfaces: {
          lan0: { addresses: ['10.0.0.1/24', 'fd00:1::1/64'] },
          wan0: { addresses: ['2001:db8:1::1/64'] },
        },
      },
      server: {
        kind: 'host',
        ipv6: true,
        interfaces: { eth0: { addresses: ['2001:db8:1::2/64'] } },
        routes: [{ to: 'default', via: '2001:db8:1::1' }],
        services: [{ kind: 'http', port: 80 }],
      },
    },
    links: [
      { a: 'client:eth0', b: 'router:lan0' },
      { a: 'router:wan0', b: 'server:eth0' },
    ],
    probes: [
      { name: 'http', from: 'client', url: 'http://[2001:db8:1::2]/', expect: 'connects' },
      { name: 'ping', from: 'client', ping: '2001:db8:1::2', expect: 'connects' },
      { name: 'udp', from: 'client', kind: 'udp', to: '2001:db8:1::2', port: 53, expect: 'fails' },
    ],
  };
}

function problemsOf(def: ScenarioDef): string {
  try {
    planTopology(def, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(NatlabError);
    return (error as NatlabError).message;
  }
  throw new Error('expected the plan to be rejected');
}

describe('IPv6 in the plan', () => {
  it('refuses every IPv6 address, route, neighbour and probe of a node without ipv6: true, by path', () => {
    const message = problemsOf(routed(false));
    for (const line of [
      'nodes.client.interfaces.eth0.addresses[1]: "fd00:1::2/64" is IPv6, and node client has no ipv6: true',
      'nodes.client.routes[1].to: "2001:db8::/32" is IPv6',
      'nodes.client.routes[1].via: "fd00:1::1" is IPv6',
      'nodes.client.neighbors: "fd00:1::1" is IPv6',
      'probes[0].url: "2001:db8:1::2" is IPv6, and node client has no ipv6: true',
      'probes[1].ping: "2001:db8:1::2" is IPv6',
      'probes[2].to: "2001:db8:1::2" is IPv6',
    ])
      expect(message).toContain(line);
    // IPv4 on the same node stays allowed.
    expect(message).not.toContain('10.0.0.2/24');
  });

  it('refuses a broadcast ping to an IPv6 address', () => {
    const def = routed();
    def.probes = [
      { name: 'b', from: 'client', ping: 'fd00:1::ff', broadcast: true, expect: 'fails' },
    ];
    expect(problemsOf(def)).toContain('probes[0].broadcast: IPv6 has no broadcast');
  });

  it('keeps IPv6 on with DAD off, and lets an IPv6 router forward it', () => {
    const plan = planTopology(routed(), opts);
    const router = plan.nodes.find((n) => n.name === 'router');
    expect(router?.ipv6).toBe(true);
    expect(router?.sysctls).toMatchObject({
      'net.ipv6.conf.all.forwarding': '1',
      'net.ipv6.conf.all.accept_dad': '0',
      'net.ipv6.conf.wan0.accept_dad': '0',
    });
    expect(router?.sysctls['net.ipv6.conf.all.disable_ipv6']).toBeUndefined();
    expect(plan.probes.find((p) => p.name === 'http')).toMatchObject({
      target: '[2001:db8:1::2]:80',
    });
  });
});

describe('IPv6 probes', () => {
  it('pings an IPv6 address with -6, an IPv4 one without', () => {
    const base = {
      kind: 'ping' as const,
      name: 'p',
      from: 'a',
      expect: 'connects' as const,
      connectTimeoutMs: 500,
      count: 1,
      intervalMs: 1000,
    };
    expect(pingArgv({ ...base, target: '2001:db8::1', size: 1232, dontFragment: true })).toEqual([
      'ping',
      '-6',
      '-n',
      '-c',
      '1',
      '-W',
      '0.5',
      '-s',
      '1232',
      '-M',
      'do',
      '2001:db8::1',
    ]);
    expect(pingArgv({ ...base, target: '10.0.0.2' })[1]).toBe('-n');
  });

  it('compares addresses, not their spelling', () => {
    expect(sameAddress('2001:db8::0001', '2001:db8::1')).toBe(true);
    expect(sameAddress('2001:DB8:0:0::1', '2001:db8::1')).toBe(true);
    expect(sameAddress('2001:db8::1', '2001:db8::2')).toBe(false);
    expect(sameAddress('10.0.0.1', '10.0.0.1')).toBe(true);
    expect(sameAddress(undefined, '2001:db8::1')).toBe(false);
  });

  it('passes "server saw" on the same IPv6 address written longhand, and fails another', () => {
    const def = routed();
    def.probes = [
      {
        name: 'tcp',
        from: 'client',
        kind: 'tcp',
        to: '2001:db8:1::2',
        port: 80,
        expect: 'connects',
        serverSees: 'fd00:1:0:0:0:0:0:0002',
      },
    ];
    const plan = planTopology(def, opts);
    const judged = (serverSaw: string) =>
      evaluateChecks({
        plan,
        probes: [
          {
            name: 'tcp',
            from: 'client',
            to: '[2001:db8:1::2]:80',
            expect: 'connects',
            ok: true,
            serverSaw,
            startedAt: 0,
            endedAt: 1,
          },
        ],
        packets: [],
        byProbe: new Map(),
        directionOf: () => 'in',
        findings: [],
      }).find((c) => c.id === 'probe:tcp:server-saw')?.ok;
    expect(judged('fd00:1::2')).toBe(true);
    expect(judged('fd00:1::3')).toBe(false);
  });
});

describe('IPv6 rulesets in preflight', () => {
  it('needs ip6tables-restore and -save for ip6tables, ip6tables for its commands and a counter reset', () => {
    const def = routed();
    def.probes = [];
    const router = def.nodes.router;
    if (router) router.rulesets = [{ format: 'ip6tables', text: '*nat\nCOMMIT\n' }];
    def.steps = [
      {
        name: 'commands',
        rulesets: {
          router: { replace: [{ format: 'ip6tables-commands', text: 'ip6tables -t nat -F' }] },
        },
        reset: { counters: ['router'] },
      },
    ];
    const tools = toolsFor(planTopology(def, opts));
    for (const tool of ['ip6tables-restore', 'ip6tables-save', 'ip6tables'])
      expect(tools).toContain(tool);
    expect(tools).not.toContain('iptables');
  });
});
