// portForwardLab builds the hairpin lab on the user's own addresses.

import { describe, expect, it } from 'vitest';
import { type PortForwardLabOptions, portForwardLab } from '../../src/index.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';

const office: PortForwardLabOptions = {
  publicIp: '198.51.100.7',
  lanCidr: '10.0.0.0/24',
  server: '10.0.0.5',
  forwards: [{ proto: 'tcp', port: 443, toPort: 8443 }, { port: 80 }],
};

describe('portForwardLab', () => {
  it("builds the catalog's hairpin topology on the user's addresses, with probes and flows per forward", () => {
    const lab = portForwardLab(office);
    const addresses = Object.fromEntries(
      Object.entries(lab.nodes).map(([name, n]) => [
        name,
        Object.values(n.interfaces ?? {}).flatMap((i) => i.addresses ?? []),
      ]),
    );
    // The remote client moves off 198.51.100.0/24, which the public address is in.
    expect(addresses).toEqual({
      remote: ['192.0.2.10/24'],
      isp: ['192.0.2.1/24', '198.51.100.254/24'],
      router: ['198.51.100.7/24', '10.0.0.1/24'],
      lan: [],
      server: ['10.0.0.5/24'],
      client: ['10.0.0.10/24'],
    });
    expect(lab.nodes.server?.services).toEqual([
      { kind: 'http', port: 8443 },
      { kind: 'http', port: 80 },
    ]);
    expect(lab.probes.map((p) => [p.name, 'url' in p ? p.url : ''])).toEqual([
      ['remote-443', 'http://198.51.100.7:443/'],
      ['lan-client-443', 'http://198.51.100.7:443/'],
      ['remote-80', 'http://198.51.100.7/'],
      ['lan-client-80', 'http://198.51.100.7/'],
    ]);
    expect(lab.flows.map((f) => f.name)).toContain(
      'the server is reached on port 8443 by the LAN client',
    );
    expect(lab.nat.node).toBe('router');
    // It plans: every address, route and flow is one natlab accepts.
    const plan = planTopology(
      { description: 'office', ...lab },
      { scenario: 'office', runId: 'pfl001' },
    );
    expect(plan.nodes).toHaveLength(6);
  });

  it('is the catalog lab when given the catalog addresses', async () => {
    const hairpin = (await loadScenario('hairpin')).def;
    const lab = portForwardLab({
      publicIp: '203.0.113.1',
      lanCidr: '192.168.1.0/24',
      server: '192.168.1.2',
      forwards: [{ port: 80 }],
    });
    expect({ nat: lab.nat, nodes: lab.nodes, links: lab.links }).toEqual({
      nat: hairpin.nat,
      nodes: hairpin.nodes,
      links: hairpin.links,
    });
  });

  it('refuses addressing it cannot build, saying what is wrong', () => {
    const cases: [Partial<PortForwardLabOptions>, RegExp][] = [
      [{ publicIp: 'gateway' }, /publicIp must be an IPv4 address/],
      [{ publicIp: '10.0.0.9' }, /publicIp 10\.0\.0\.9 lies inside lanCidr 10\.0\.0\.0\/24/],
      [{ lanCidr: '10.0.0.0' }, /lanCidr needs a prefix from \/8 to \/28/],
      [{ server: '10.0.1.5' }, /server 10\.0\.1\.5 is not inside lanCidr 10\.0\.0\.0\/24/],
      [{ server: '10.0.0.1' }, /server 10\.0\.0\.1 is the router's LAN address/],
      [{ forwards: [] }, /forwards must name at least one port/],
      [{ forwards: [{ port: 70000 }] }, /from 1 to 65535, not 70000/],
      [{ forwards: [{ port: 53, proto: 'udp' as 'tcp' }] }, /proto must be tcp/],
      [{ forwards: [{ port: 80 }, { port: 80, toPort: 8080 }] }, /port 80 is forwarded twice/],
    ];
    for (const [change, message] of cases) {
      expect(() => portForwardLab({ ...office, ...change })).toThrow(message);
    }
  });
});
