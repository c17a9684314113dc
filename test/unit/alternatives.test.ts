// The alternatives to hairpin NAT plan, trace and print as the hairpin scenarios do, IPv6 included.

import { describe, expect, it } from 'vitest';
import { followJourneys, type Journey } from '../../src/analyse/journeys.ts';
import { labView } from '../../src/analyse/lab-view.ts';
import { compileMatch } from '../../src/analyse/match-packet.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import { dnsRoundTrips, forwardedBy, renderComparison } from '../../src/report/comparison.ts';
import { glyphsFor, renderTerminalReport } from '../../src/report/terminal-report.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { dnsmasqArgv } from '../../src/services/start-services.ts';
import { ethernet, ipv6, TCP, tcp } from '../support/frames.ts';

const opts = { scenario: 't', runId: 'abc123' };
const A = '02:6e:6c:00:00:01';
const B = '02:6e:6c:00:00:02';

describe('IPv6 in flows, traces and the terminal', () => {
  const syn = decodeFrame(
    ethernet(
      A,
      B,
      0x86dd,
      ipv6(
        '2001:0db8:0001:0000:0000:0000:0000:0010',
        '2001:db8:1::2',
        6,
        tcp({ sport: 40000, dport: 80, flags: TCP.SYN }),
      ),
    ),
    { point: 'client:eth0', index: 1, timeUs: 1, length: 80 },
  );

  it('matches IPv6 addresses and prefixes, and negates them', () => {
    expect(compileMatch({ src: '2001:db8:1::10', dport: 80 })(syn, 'out')).toBe(true);
    expect(compileMatch({ src: '2001:db8:1::/64' })(syn, 'out')).toBe(true);
    expect(compileMatch({ src: '!2001:db8:1::/64' })(syn, 'out')).toBe(false);
    expect(compileMatch({ dst: '192.168.1.2' })(syn, 'out')).toBe(false);
  });

  it('prints IPv6 endpoints compressed and bracketed in the packet account', async () => {
    const plan = planTopology((await loadScenario('ipv6-direct')).def, opts);
    const { journeys, connections } = followJourneys([syn], () => 'out', labView(plan));
    expect(connections[0]?.label).toBe('[2001:db8:1::10]:40000 → [2001:db8:1::2]:80');
    const text = renderTerminalReport(
      {
        scenario: 'ipv6-direct',
        verdict: 'pass',
        kernel: 'k',
        capabilities: [],
        topology: { nodes: [], links: [] },
        checks: [],
        diagnosis: [],
        kernelState: [],
        probes: [
          {
            name: 'lan-client',
            from: 'client',
            to: 'www.example.test:80',
            expect: 'connects',
            ok: true,
            serverSaw: '2001:db8:1::10',
            startedAt: 0,
            journeys,
            connections,
          },
        ],
        captures: [],
        rulesets: [],
        timings: [],
        durationMs: 1,
      },
      glyphsFor(false),
    );
    expect(text).toContain('[2001:db8:1::10]:40000 -> [2001:db8:1::2]:80');
    expect(text).toContain('server saw 2001:db8:1::10');
  });
});

describe('the alternatives in the plan', async () => {
  it('gives nodes their own hosts file and resolver, keeping the host files untouched', async () => {
    const plan = planTopology((await loadScenario('split-horizon-dns')).def, opts);
    const node = (name: string) => plan.nodes.find((n) => n.name === name);
    expect(node('client')?.etc).toEqual({ 'resolv.conf': 'nameserver 192.168.1.1\n' });
    expect(node('remote')?.etc.hosts).toBe(
      '127.0.0.1 localhost\n::1 localhost\n203.0.113.1 www.example.test\n',
    );
    expect(node('server')?.etc).toEqual({});
  });

  it('keeps IPv6 on where asked, without duplicate address detection, and forwards it on routers', async () => {
    const plan = planTopology((await loadScenario('ipv6-direct')).def, opts);
    const router = plan.nodes.find((n) => n.name === 'router');
    expect(router?.sysctls).toMatchObject({
      'net.ipv6.conf.all.forwarding': '1',
      'net.ipv6.conf.all.accept_dad': '0',
      'net.ipv6.conf.lan0.accept_dad': '0',
    });
    expect(router?.sysctls['net.ipv6.conf.all.disable_ipv6']).toBeUndefined();
    expect(
      plan.nodes.find((n) => n.name === 'lan')?.sysctls['net.ipv6.conf.all.disable_ipv6'],
    ).toBe('1');
  });

  it('lets the server hold the public address on lo, beside the router holding it on wan0', async () => {
    const plan = planTopology((await loadScenario('server-public-alias')).def, opts);
    const lo = plan.nodes.find((n) => n.name === 'server')?.interfaces.find((i) => i.name === 'lo');
    expect(lo).toMatchObject({ kind: 'loopback', addresses: ['203.0.113.1/32'] });
  });

  it('runs dnsmasq with only its records, each name local', () => {
    const argv = dnsmasqArgv({
      kind: 'dns',
      records: { 'www.example.test': ['192.168.1.2', '2001:db8:1::2'] },
    });
    expect(argv).toEqual(
      expect.arrayContaining([
        '--no-resolv',
        '--no-hosts',
        '--keep-in-foreground',
        '--local=/www.example.test/',
      ]),
    );
    expect(argv.filter((a) => a.startsWith('--host-record='))).toEqual([
      '--host-record=www.example.test,192.168.1.2',
      '--host-record=www.example.test,2001:db8:1::2',
    ]);
  });

  it('refuses bad names and addresses in hosts, records and nameserver', () => {
    const message = (() => {
      try {
        planTopology(
          {
            description: 'x',
            nodes: {
              a: {
                kind: 'host',
                interfaces: { eth0: { addresses: ['10.0.0.1/24'] } },
                hosts: { 'bad name': '10.0.0.2' },
                nameserver: 'ns1',
                services: [{ kind: 'dns', records: { 'ok.test': 'nope' } }],
              },
              sw: { kind: 'switch' },
            },
            links: [{ a: 'a:eth0', b: 'sw' }],
          },
          opts,
        );
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/hosts entry "bad name" is not a host name/);
    expect(message).toMatch(/nameserver "ns1" is not an address/);
    expect(message).toMatch(/dns record ok\.test: "nope" is not an address/);
  });
});

describe('comparison metrics', () => {
  const hop = (point: string, direction: 'in' | 'out') => ({
    point,
    direction,
    frame: 1,
    timeUs: 1,
  });
  const step = (over: Partial<Journey> & { sport?: number; dport?: number } = {}): Journey => {
    const { sport, dport, ...rest } = over;
    const header = {
      src: { address: '192.168.1.10', port: sport },
      dst: { address: '192.168.1.2', port: dport },
    };
    return {
      number: 1,
      connection: 1,
      role: 'SYN',
      kind: 'SYN',
      proto: 'tcp',
      sent: header,
      received: header,
      hops: [],
      rewrites: [],
      fate: { kind: 'delivered', node: 'server' },
      lastSeen: 'delivered to server',
      ...rest,
    };
  };

  it('does not count what the router only answers (neighbour discovery, DNS)', () => {
    const asked = step({
      kind: 'ICMPv6 neighbor solicitation',
      proto: 'icmp',
      hops: [hop('client:eth0', 'out'), hop('router:lan0', 'in')],
    });
    const answered = step({
      kind: 'ICMPv6 neighbor advertisement',
      proto: 'icmp',
      hops: [hop('router:lan0', 'out'), hop('client:eth0', 'in')],
    });
    expect(forwardedBy([asked, answered], 'router')).toBe(0);
  });

  it('counts a packet through the router once, NATed or not', () => {
    const nat = [
      step({
        hops: [
          hop('client:eth0', 'out'),
          hop('router:lan0', 'in'),
          hop('router:lan0', 'out'),
          hop('server:eth0', 'in'),
        ],
      }),
    ];
    const routed = [step({ hops: [hop('router:wan0', 'in'), hop('router:lan0', 'out')] })];
    const direct = [step({ hops: [hop('client:eth0', 'out'), hop('server:eth0', 'in')] })];
    expect(forwardedBy(nat, 'router')).toBe(1);
    expect(forwardedBy(routed, 'router')).toBe(1);
    expect(forwardedBy(direct, 'router')).toBe(0);
  });

  it('counts one DNS round trip per lookup socket, however its answers interleave', () => {
    const q = (sport: number) =>
      step({ proto: 'udp', sport, dport: 53, hops: [hop('client:eth0', 'out')] });
    const r = (dport: number) =>
      step({ proto: 'udp', sport: 53, dport, hops: [hop('router:lan0', 'out')] });
    expect(dnsRoundTrips([q(1000), r(1000), q(1000), r(1000)], 'client')).toBe(1);
    expect(dnsRoundTrips([q(1000), q(2000)], 'client')).toBe(2);
    expect(dnsRoundTrips([step()], 'client')).toBe(0);
  });

  it('renders the table with a column per measure', () => {
    const text = renderComparison(
      [
        {
          scenario: 'split-horizon-dns',
          verdict: 'pass',
          worksFromLan: true,
          worksFromOutside: true,
          serverSees: '192.168.1.10',
          packetsThroughRouter: 0,
          extraRoundTrips: 1,
        },
      ],
      glyphsFor(false),
    );
    expect(text.split('\n')[0]).toMatch(
      /^scenario +works from LAN +works from outside +server sees +pkts via router +extra RTTs$/,
    );
    expect(text.split('\n')[1]).toMatch(/^split-horizon-dns +ok +ok +192\.168\.1\.10 +0 +1$/);
  });
});
