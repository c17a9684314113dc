// Planning turns a scenario into names, addresses and captures, or lists every problem at once.

import { describe, expect, it } from 'vitest';
import { NatlabError } from '../../src/errors.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import { toolsFor } from '../../src/preflight/check-environment.ts';
import type { ScenarioDef } from '../../src/scenario/define-scenario.ts';
import {
  listScenarioNames,
  loadScenario,
  loadScenarios,
} from '../../src/scenario/load-scenario.ts';

const opts = { scenario: 'test', runId: 'abc123' };

/** Two hosts on a switch, one of them routing to a third subnet. */
function twoHosts(): ScenarioDef {
  return {
    description: 'two hosts on a switch',
    nodes: {
      a: { kind: 'host', interfaces: { eth0: { addresses: ['10.0.0.1/24'] } } },
      b: {
        kind: 'host',
        interfaces: { eth0: { addresses: ['10.0.0.2/24'] } },
        routes: [{ to: 'default', via: '10.0.0.1' }],
      },
      sw: { kind: 'switch' },
    },
    links: [
      { a: 'a:eth0', b: 'sw' },
      { a: 'b:eth0', b: 'sw' },
    ],
    probes: [{ name: 'p', from: 'a', url: 'http://10.0.0.2/', expect: 'fails' }],
  };
}

function problemsOf(def: ScenarioDef): string {
  try {
    planTopology(def, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(NatlabError);
    expect((error as NatlabError).code).toBe('INVALID_SCENARIO');
    return (error as NatlabError).message;
  }
  throw new Error('expected the plan to be rejected');
}

describe('planTopology', () => {
  it('names a namespace per node with the run id, and switch ports after their peers', () => {
    const plan = planTopology(twoHosts(), opts);
    expect(plan.nodes.map((n) => n.netns)).toEqual(['nl-abc123-a', 'nl-abc123-b', 'nl-abc123-sw']);
    const sw = plan.nodes.find((n) => n.name === 'sw');
    expect(sw?.interfaces.map((i) => [i.name, i.master])).toEqual([
      ['br0', undefined],
      ['a', 'br0'],
      ['b', 'br0'],
    ]);
  });

  it('gives every interface a distinct locally administered MAC', () => {
    const plan = planTopology(twoHosts(), opts);
    const macs = plan.nodes.flatMap((n) => n.interfaces.map((i) => i.mac));
    expect(new Set(macs).size).toBe(macs.length);
    for (const mac of macs) expect(mac).toMatch(/^02:6e:6c:00:[0-9a-f]{2}:[0-9a-f]{2}$/);
  });

  it('captures every veth end by default, switch ports included', () => {
    const plan = planTopology(twoHosts(), opts);
    expect(plan.captures.map((c) => c.id)).toEqual(['a:eth0', 'b:eth0', 'sw:a', 'sw:b']);
  });

  it('turns IPv6 off and forwarding on for routers', () => {
    const def = twoHosts();
    def.nodes.a = { ...def.nodes.a, kind: 'router' } as ScenarioDef['nodes'][string];
    const plan = planTopology(def, opts);
    expect(plan.nodes[0]?.sysctls).toMatchObject({
      'net.ipv4.ip_forward': '1',
      'net.ipv6.conf.all.disable_ipv6': '1',
    });
    expect(plan.nodes[1]?.sysctls['net.ipv4.ip_forward']).toBeUndefined();
  });

  it('narrows captures to the named nodes and interfaces, keeping the points flows need', () => {
    const def = { ...twoHosts(), captures: ['a', 'sw:b'] };
    def.flows = [{ at: 'b:eth0', match: {}, expect: 'absent' }];
    expect(planTopology(def, opts).captures.map((c) => c.id)).toEqual(['a:eth0', 'sw:b', 'b:eth0']);
  });

  it('makes linked interfaces ports of a bridge declared inside a node', () => {
    const def = twoHosts();
    def.nodes.a = {
      kind: 'host',
      interfaces: { br0: { bridge: ['eth0', 'eth1'], addresses: ['10.0.0.1/24'] } },
    };
    def.links.push({ a: 'a:eth1', b: 'b:eth1' });
    const a = planTopology(def, opts).nodes[0];
    expect(a?.interfaces.map((i) => [i.name, i.kind, i.master])).toEqual([
      ['br0', 'bridge', undefined],
      ['eth0', 'veth', 'br0'],
      ['eth1', 'veth', 'br0'],
    ]);
    // Like a Linux bridge given no address: its lowest port MAC, which ebtables broute relies on.
    const macs = a?.interfaces.map((i) => i.mac ?? '') ?? [];
    expect(macs[0]).toBe([macs[1], macs[2]].sort()[0]);
    expect(macs[1]).not.toBe(macs[2]);
  });

  it('gives probes expected to fail a short connect timeout, others a long one', () => {
    const def = twoHosts();
    def.probes?.push({ name: 'q', from: 'b', url: 'http://10.0.0.1:8080/x', expect: 'connects' });
    const [fails, connects] = planTopology(def, opts).probes;
    expect(fails).toMatchObject({ connectTimeoutMs: 500, target: '10.0.0.2:80' });
    expect(connects).toMatchObject({ connectTimeoutMs: 5000, target: '10.0.0.1:8080', port: 8080 });
  });

  it('plans udp and tcp probes with their host, port and target, and python3 as their tool', () => {
    const def = twoHosts();
    def.probes = [
      { name: 'u', from: 'a', kind: 'udp', to: '10.0.0.2', port: 51820, expect: 'connects' },
      {
        name: 't',
        from: 'b',
        kind: 'tcp',
        to: 'fd00::1',
        port: 22,
        expect: 'fails',
        serverSees: '10.0.0.2',
      },
    ];
    def.nodes.b = { ...def.nodes.b, kind: 'host', ipv6: true };
    const plan = planTopology(def, opts);
    expect(plan.probes).toEqual([
      {
        name: 'u',
        from: 'a',
        expect: 'connects',
        connectTimeoutMs: 5000,
        kind: 'udp',
        host: '10.0.0.2',
        port: 51820,
        target: '10.0.0.2:51820',
        serverSees: undefined,
      },
      {
        name: 't',
        from: 'b',
        expect: 'fails',
        connectTimeoutMs: 500,
        kind: 'tcp',
        host: 'fd00::1',
        port: 22,
        target: '[fd00::1]:22',
        serverSees: '10.0.0.2',
      },
    ]);
    expect(toolsFor(plan)).toContain('python3');
    expect(toolsFor(plan)).not.toContain('curl');
  });

  const invalid: [string, (def: ScenarioDef) => void, RegExp][] = [
    [
      'a udp probe to something that is neither an address nor a name',
      (d) => {
        d.probes = [
          { name: 'u', from: 'a', kind: 'udp', to: 'not a host', port: 53, expect: 'connects' },
        ];
      },
      /probe u: udp to "not a host" is not an address or a host name/,
    ],
    [
      'a tcp probe whose serverSees is not an address',
      (d) => {
        d.probes = [
          {
            name: 't',
            from: 'a',
            kind: 'tcp',
            to: '10.0.0.2',
            port: 22,
            expect: 'connects',
            serverSees: 'b',
          },
        ];
      },
      /probe t: serverSees "b" is not an address/,
    ],
    [
      'a tcp service on a port another TCP service takes',
      (d) => {
        d.nodes.a = {
          ...d.nodes.a,
          kind: 'host',
          services: [
            { kind: 'tcp', port: 22 },
            { kind: 'tcp', port: 22 },
          ],
        };
      },
      /node a: two services listen on tcp port 22/,
    ],
    [
      'a bridge port that is on no link',
      (d) => {
        d.nodes.a = { kind: 'host', interfaces: { br0: { bridge: ['eth0', 'wlan0'] } } };
      },
      /bridge br0 port "wlan0" is not a linked interface/,
    ],
    [
      'a port in two bridges',
      (d) => {
        d.nodes.a = {
          kind: 'host',
          interfaces: { br0: { bridge: ['eth0'] }, br1: { bridge: ['eth0'] } },
        };
      },
      /"eth0" cannot be a port of both br0 and br1/,
    ],
    [
      'a duplicate address',
      (d) => {
        d.nodes.b = {
          ...d.nodes.b,
          interfaces: { eth0: { addresses: ['10.0.0.1/24'] } },
          routes: [],
        } as never;
      },
      /address 10\.0\.0\.1 is on both a:eth0 and b:eth0/,
    ],
    [
      'a link to an unknown node',
      (d) => {
        d.links.push({ a: 'ghost:eth0', b: 'sw' });
      },
      /link end "ghost:eth0" refers to an unknown node/,
    ],
    [
      'an interface name over 15 characters',
      (d) => {
        d.links[0] = { a: 'a:averyveryverylongname', b: 'sw' };
      },
      /averyveryverylongname is 21 characters; Linux allows 15/,
    ],
    [
      'an invalid CIDR',
      (d) => {
        d.nodes.a = { kind: 'host', interfaces: { eth0: { addresses: ['10.0.0.300/24'] } } };
      },
      /"10\.0\.0\.300\/24" on a:eth0 is not a valid CIDR/,
    ],
    [
      'a prefix too long',
      (d) => {
        d.nodes.a = { kind: 'host', interfaces: { eth0: { addresses: ['10.0.0.1/33'] } } };
      },
      /not a valid CIDR/,
    ],
    [
      'a route via an unreachable gateway',
      (d) => {
        d.nodes.b = { ...d.nodes.b, routes: [{ to: 'default', via: '172.16.0.1' }] } as never;
      },
      /route to default via 172\.16\.0\.1 is unreachable/,
    ],
    [
      'a link with one end',
      (d) => {
        d.links.push({ a: 'a:eth1' } as never);
      },
      /link #3 needs two ends/,
    ],
    [
      'a host link end without an interface',
      (d) => {
        d.links[0] = { a: 'a', b: 'sw' };
      },
      /link end "a" needs an interface name/,
    ],
    [
      'an interface on no link',
      (d) => {
        d.nodes.a = {
          kind: 'host',
          interfaces: { eth0: { addresses: ['10.0.0.1/24'] }, eth1: {} },
        };
      },
      /interface a:eth1 is not on any link/,
    ],
    [
      'an interface on two links',
      (d) => {
        d.links.push({ a: 'a:eth0', b: 'b:eth1' });
      },
      /interface a:eth0 is on more than one link/,
    ],
    [
      'a probe from an unknown node',
      (d) => {
        d.probes = [{ name: 'p', from: 'nobody', url: 'http://10.0.0.2/', expect: 'fails' }];
      },
      /"nobody" is not a host or router/,
    ],
    [
      'a probe URL that is not http',
      (d) => {
        d.probes = [{ name: 'p', from: 'a', url: 'https://10.0.0.2/', expect: 'fails' }];
      },
      /must be http:\/\/ with an address or a host name/,
    ],
    [
      'a flow at an unknown capture point',
      (d) => {
        d.flows = [{ at: 'a:eth9', match: {}, expect: 'seen' }];
      },
      /capture point "a:eth9" is not a node:iface/,
    ],
    [
      'a flow during an unknown probe',
      (d) => {
        d.flows = [{ at: 'a:eth0', during: 'nope', match: {}, expect: 'seen' }];
      },
      /during "nope" is not a probe/,
    ],
    [
      'a flow matching a bad address',
      (d) => {
        d.flows = [{ at: 'a:eth0', match: { src: '300.1.1.1' }, expect: 'seen' }];
      },
      /match\.src "300\.1\.1\.1" is not an address/,
    ],
    [
      'a flow matching ICMP with a TCP port',
      (d) => {
        d.flows = [{ at: 'a:eth0', match: { icmp: { type: 8 }, dport: 80 }, expect: 'absent' }];
      },
      /match\.icmp is given with ports or TCP flags, so no packet can match/,
    ],
    [
      'a flow matching ARP on the IPv4 ethertype',
      (d) => {
        d.flows = [{ at: 'a:eth0', match: { proto: 'arp', ethertype: 0x0800 }, expect: 'absent' }];
      },
      /proto 'arp' never rides on ethertype 0x800/,
    ],
    [
      'a bad node name',
      (d) => {
        d.nodes.Bad_Name = { kind: 'host' };
      },
      /node name "Bad_Name"/,
    ],
    [
      'an empty ruleset',
      (d) => {
        d.nodes.a = { ...d.nodes.a, rulesets: [{ format: 'nft', text: ' ' }] } as never;
      },
      /ruleset text is empty/,
    ],
    [
      'a switch with routes',
      (d) => {
        d.nodes.sw = { kind: 'switch', routes: [] };
      },
      /switch sw cannot have routes/,
    ],
    [
      'an interface name the kernel refuses',
      (d) => {
        d.nodes.all = { kind: 'host', interfaces: { eth0: {} } };
        d.links.push({ a: 'all:eth0', b: 'sw' });
      },
      /interface name sw:all is refused: interface names hold letters.*not "\.", "\.\.", "all" or "default"/,
    ],
    [
      'a capture point with two colons',
      (d) => {
        d.captures = ['a:eth0:x'];
      },
      /capture "a:eth0:x" is not a node or a node:iface/,
    ],
    [
      'a neighbour naming a point with two colons',
      (d) => {
        d.nodes.a = { ...d.nodes.a, neighbors: { '10.0.0.2': 'b:eth0:x' } } as never;
      },
      /neighbor 10\.0\.0\.2 → "b:eth0:x" is not a node:iface with a MAC/,
    ],
  ];

  it.each(invalid)('rejects %s, naming the problem', (_name, mutate, message) => {
    const def = twoHosts();
    mutate(def);
    expect(problemsOf(def)).toMatch(message);
  });

  it('accepts names the kernel accepts: a node "a" and an interface "eth0.5" with IPv6 on', () => {
    const def = twoHosts();
    def.nodes.a = { kind: 'host', ipv6: true, interfaces: { 'eth0.5': {} } };
    def.links[0] = { a: 'a:eth0.5', b: 'sw' };
    const a = planTopology(def, opts).nodes[0];
    expect(a?.sysctls['net.ipv6.conf.eth0.5.accept_dad']).toBe('0');
  });

  it('lists every problem at once', () => {
    const def = twoHosts();
    def.links.push({ a: 'ghost:eth0', b: 'sw' });
    def.nodes.b = { ...def.nodes.b, routes: [{ to: 'default', via: '172.16.0.1' }] } as never;
    const message = problemsOf(def);
    expect(message).toMatch(/ghost/);
    expect(message).toMatch(/unreachable/);
  });
});

describe('the scenario catalog', () => {
  it('holds the five hairpin scenarios, each of which plans without problems', async () => {
    const names = await listScenarioNames();
    expect(names).toEqual(
      expect.arrayContaining([
        'hairpin-broken',
        'hairpin-masquerade',
        'hairpin-snat-public',
        'dmz-subnet',
        'hairpin-nft',
        'udp-port-forward-hairpin',
        'pmtu-through-masquerade',
        'forward-policy-drop',
        'forward-dnat-accept',
      ]),
    );
    // One child process loads them all (a child each would cost seconds on a loaded machine).
    for (const { name, def } of await loadScenarios(names)) {
      expect(() => planTopology(def, { scenario: name, runId: 'r' })).not.toThrow();
    }
  });

  it('refuses a name that is not a scenario file, listing the known ones', async () => {
    await expect(loadScenario('no-such-one')).rejects.toMatchObject({
      code: 'UNKNOWN_SCENARIO',
      message: expect.stringMatching(
        /unknown scenario "no-such-one"; known scenarios: .*hairpin-broken/,
      ),
    });
    await expect(loadScenario('../package')).rejects.toMatchObject({
      code: 'UNKNOWN_SCENARIO',
      message: expect.stringMatching(/"\.\.\/package" is a path; name a scenario file/),
    });
  });
});
