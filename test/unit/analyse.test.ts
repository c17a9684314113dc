import { describe, expect, it } from 'vitest';
import { compileMatch } from '../../src/analyse/match-packet.ts';
import { directionResolver } from '../../src/analyse/packet-direction.ts';
import { packetsByProbe, traceProbe } from '../../src/analyse/probe-trace.ts';
import { evaluateChecks } from '../../src/check/evaluate-checks.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import type { Packet } from '../../src/decode/packet.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import type { TopologyPlan } from '../../src/plan/topology-plan.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import type { ProbeResult } from '../../src/traffic/run-probes.ts';
import { ethernet, ipv4, TCP, tcp } from '../support/frames.ts';

const plan: TopologyPlan = planTopology((await loadScenario('hairpin-broken')).def, {
  scenario: 'hairpin-broken',
  runId: 'unit00',
});
const mac = (node: string, iface: string) =>
  plan.nodes.find((n) => n.name === node)?.interfaces.find((i) => i.name === iface)?.mac ?? '';

/** One captured TCP segment: where, sent by which interface, "addr:port" ends, flags, time. */
type Seg = [at: string, from: string, src: string, dst: string, flags: number, timeUs: number];

function packet([at, from, src, dst, flags, timeUs]: Seg, index = 1): Packet {
  const [fromNode = '', fromIface = ''] = from.split(':');
  const [srcIp = '', sport] = src.split(/:(?=\d+$)/);
  const [dstIp = '', dport] = dst.split(/:(?=\d+$)/);
  const segment = tcp({ sport: Number(sport), dport: Number(dport), flags });
  const frame = ethernet(
    mac(fromNode, fromIface),
    '02:00:00:00:00:ff',
    0x0800,
    ipv4(srcIp, dstIp, 6, segment),
  );
  return decodeFrame(frame, { point: at, index, timeUs, length: frame.length });
}

// The hairpin failure as the captures show it: SYN in, DNATed SYN out, SYN-ACK direct, RST.
const T0 = 1_700_000_000_000_000;
const CLIENT = '192.168.1.10:40000';
const hairpin: Packet[] = (
  [
    ['client:eth0', 'client:eth0', CLIENT, '203.0.113.1:80', TCP.SYN, T0 + 10],
    ['router:lan0', 'client:eth0', CLIENT, '203.0.113.1:80', TCP.SYN, T0 + 20],
    ['router:lan0', 'router:lan0', CLIENT, '192.168.1.2:80', TCP.SYN, T0 + 30],
    ['server:eth0', 'router:lan0', CLIENT, '192.168.1.2:80', TCP.SYN, T0 + 40],
    ['server:eth0', 'server:eth0', '192.168.1.2:80', CLIENT, TCP.SYN | TCP.ACK, T0 + 50],
    ['client:eth0', 'server:eth0', '192.168.1.2:80', CLIENT, TCP.SYN | TCP.ACK, T0 + 60],
    ['client:eth0', 'client:eth0', CLIENT, '192.168.1.2:80', TCP.RST, T0 + 70],
  ] satisfies Seg[]
).map((seg) => packet(seg));
const directionOf = directionResolver(plan);

describe('packet direction', () => {
  it('calls a frame from the far side of the link "in" and any other "out"', () => {
    expect(directionOf('router:lan0', mac('client', 'eth0'))).toBe('in');
    expect(directionOf('router:lan0', mac('router', 'lan0'))).toBe('out');
    expect(directionOf('client:eth0', mac('server', 'eth0'))).toBe('in');
    expect(directionOf('client:eth0', mac('client', 'eth0'))).toBe('out');
  });

  it('sees through the switch: on a switch port only the attached host is "in"', () => {
    expect(directionOf('lan:client', mac('client', 'eth0'))).toBe('in');
    expect(directionOf('lan:client', mac('router', 'lan0'))).toBe('out');
    expect(directionOf('lan:client', mac('server', 'eth0'))).toBe('out');
  });

  it('stops at a router: hosts behind it are not on the far side', () => {
    expect(directionOf('router:wan0', mac('client', 'eth0'))).toBe('out');
    expect(directionOf('router:wan0', mac('isp', 'eth1'))).toBe('in');
  });
});

describe('compileMatch (PTF-style)', () => {
  const synAck = hairpin[5] as Packet;
  it("treats missing fields as don't-care", () => {
    expect(compileMatch({})(synAck, 'in')).toBe(true);
    expect(compileMatch({ sport: 80 })(synAck, 'in')).toBe(true);
    expect(compileMatch({ sport: 81 })(synAck, 'in')).toBe(false);
  });

  it('matches addresses, CIDRs and negations', () => {
    expect(compileMatch({ src: '192.168.1.2' })(synAck, 'in')).toBe(true);
    expect(compileMatch({ src: '192.168.0.0/16' })(synAck, 'in')).toBe(true);
    expect(compileMatch({ src: '!203.0.113.1' })(synAck, 'in')).toBe(true);
    expect(compileMatch({ src: '!192.168.1.0/24' })(synAck, 'in')).toBe(false);
    expect(compileMatch({ dst: '10.0.0.0/8' })(synAck, 'in')).toBe(false);
  });

  it('matches TCP flags ternarily: true set, false clear, absent ignored', () => {
    expect(compileMatch({ tcp: { syn: true } })(synAck, 'in')).toBe(true);
    expect(compileMatch({ tcp: { syn: true, ack: false } })(synAck, 'in')).toBe(false);
    expect(compileMatch({ tcp: { rst: true } })(synAck, 'in')).toBe(false);
  });

  it('matches protocol and direction', () => {
    expect(compileMatch({ proto: 'tcp', direction: 'in' })(synAck, 'in')).toBe(true);
    expect(compileMatch({ proto: 'udp' })(synAck, 'in')).toBe(false);
    expect(compileMatch({ direction: 'out' })(synAck, 'in')).toBe(false);
  });
});

describe('traceProbe', () => {
  it('merges one packet seen at several points into one step, and splits at a rewrite', () => {
    const steps = traceProbe(hairpin, directionOf);
    expect(steps.map((s) => `${s.kind} ${s.addresses}`)).toEqual([
      'SYN 192.168.1.10:40000 → 203.0.113.1:80',
      'SYN 192.168.1.10:40000 → 192.168.1.2:80',
      'SYN-ACK 192.168.1.2:80 → 192.168.1.10:40000',
      'RST 192.168.1.10:40000 → 192.168.1.2:80',
    ]);
    expect(steps[0]?.hops.map((h) => `${h.point}/${h.direction}`)).toEqual([
      'client:eth0/out',
      'router:lan0/in',
    ]);
    expect(steps[1]?.hops.map((h) => `${h.point}/${h.direction}`)).toEqual([
      'router:lan0/out',
      'server:eth0/in',
    ]);
  });

  it('starts a new step when a point sees the same packet again (retransmission)', () => {
    const again = { ...(hairpin[0] as Packet), index: 9, timeUs: T0 + 1_000_000 };
    const steps = traceProbe([hairpin[0] as Packet, again], directionOf);
    expect(steps).toHaveLength(2);
  });
});

describe('packetsByProbe', () => {
  const ms = (us: number) => us / 1000;
  it("gives each probe the packets from its start to the next probe's start", () => {
    const byProbe = packetsByProbe(hairpin, [
      { name: 'first', startedAt: ms(T0) },
      { name: 'second', startedAt: ms(T0 + 1000) },
    ]);
    expect(byProbe.get('first')).toHaveLength(hairpin.length);
    expect(byProbe.get('second')).toEqual([]);
  });

  it("keeps a connection's trailing FIN with the probe that opened it", () => {
    const opened = packet([
      'remote:eth0',
      'remote:eth0',
      '198.51.100.10:50000',
      '203.0.113.1:80',
      TCP.SYN,
      T0 + 10,
    ]);
    const lateFin = packet([
      'remote:eth0',
      'isp:eth0',
      '203.0.113.1:80',
      '198.51.100.10:50000',
      TCP.FIN | TCP.ACK,
      T0 + 2000,
    ]);
    const nextSyn = packet([
      'client:eth0',
      'client:eth0',
      '192.168.1.10:40000',
      '203.0.113.1:80',
      TCP.SYN,
      T0 + 2500,
    ]);
    const byProbe = packetsByProbe(
      [opened, lateFin, nextSyn],
      [
        { name: 'remote', startedAt: ms(T0) },
        { name: 'lan-client', startedAt: ms(T0 + 1000) },
      ],
    );
    expect(byProbe.get('remote')).toEqual([opened, lateFin]);
    expect(byProbe.get('lan-client')).toEqual([nextSyn]);
  });
});

describe('evaluateChecks', () => {
  const probe = (over: Partial<ProbeResult>): ProbeResult => ({
    name: 'lan-client',
    from: 'client',
    to: '203.0.113.1:80',
    url: 'http://203.0.113.1/',
    expect: 'fails',
    ok: false,
    curlExit: 28,
    error: 'timeout',
    startedAt: T0 / 1000,
    endedAt: T0 / 1000 + 500,
    ...over,
  });
  const check = (probes: ProbeResult[], packets: Packet[]) =>
    evaluateChecks({
      plan,
      probes,
      packets,
      byProbe: packetsByProbe(packets, probes),
      directionOf,
    });

  /** The remote probe connected earlier; the LAN client's probe is the one under test. */
  const bothProbes = [
    probe({
      name: 'remote',
      from: 'remote',
      expect: 'connects',
      ok: true,
      serverSaw: '198.51.100.10',
      startedAt: T0 / 1000 - 100,
    }),
    probe({}),
  ];

  it('holds every hairpin-broken check on the packets of the failure', () => {
    const results = check(bothProbes, hairpin);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results).toHaveLength(7);
  });

  it('fails the flow checks when the SYN-ACK comes back through the router instead', () => {
    const fixed = hairpin
      .slice(0, 4)
      .concat(
        packet([
          'client:eth0',
          'router:lan0',
          '203.0.113.1:80',
          '192.168.1.10:40000',
          TCP.SYN | TCP.ACK,
          T0 + 60,
        ]),
      );
    const results = check(bothProbes, fixed);
    const failed = results.filter((r) => !r.ok).map((r) => r.name);
    expect(failed).toEqual([
      'client:eth0 gets the SYN-ACK straight from 192.168.1.2:80',
      'client:eth0 never gets a SYN-ACK from 203.0.113.1',
      'client answers the stray SYN-ACK with RST',
    ]);
    expect(results.find((r) => r.name.includes('never gets'))?.detail).toMatch(
      /1 matching packet\(s\) at client:eth0 during lan-client; first: frame 1, 203\.0\.113\.1:80 → 192\.168\.1\.10:40000 SYN-ACK/,
    );
  });

  it('fails a probe check when the outcome is not the expected one, and the server-saw check with it', () => {
    const results = check(
      [
        probe({ name: 'remote', from: 'remote', expect: 'connects', ok: false, error: 'refused' }),
        probe({ ok: true }),
      ],
      [],
    );
    expect(results.slice(0, 3).map((r) => r.ok)).toEqual([false, false, false]);
    expect(results[1]?.detail).toBe('the server gave no answer, so it saw nothing');
  });
});
