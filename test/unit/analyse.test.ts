// Packet direction, reflected frames, MAC flapping and journeys, judged from synthetic captures.

import { describe, expect, it } from 'vitest';
import { diagnoseL2 } from '../../src/analyse/diagnose-l2.ts';
import { diagnoseTcp } from '../../src/analyse/diagnose-tcp.ts';
import { describeRewrites } from '../../src/analyse/journey-text.ts';
import { followJourneys } from '../../src/analyse/journeys.ts';
import { labView } from '../../src/analyse/lab-view.ts';
import { compileMatch } from '../../src/analyse/match-packet.ts';
import { directionResolver } from '../../src/analyse/packet-direction.ts';
import { packetsByProbe } from '../../src/analyse/packets-by-probe.ts';
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

/** Every SYN here has sequence number 1000; a SYN-ACK acknowledges it. */
const SYN_SEQ = 1000;

function packet([at, from, src, dst, flags, timeUs]: Seg, index = 1): Packet {
  const [fromNode = '', fromIface = ''] = from.split(':');
  const [srcIp = '', sport] = src.split(/:(?=\d+$)/);
  const [dstIp = '', dport] = dst.split(/:(?=\d+$)/);
  const synAck = (flags & TCP.SYN) !== 0 && (flags & TCP.ACK) !== 0;
  const segment = tcp({
    sport: Number(sport),
    dport: Number(dport),
    flags,
    seq: SYN_SEQ,
    ack: synAck ? SYN_SEQ + 1 : 0,
  });
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
// Switch ports record only frames entering the switch.
const hairpin: Packet[] = (
  [
    ['client:eth0', 'client:eth0', CLIENT, '203.0.113.1:80', TCP.SYN, T0 + 10],
    ['lan:client', 'client:eth0', CLIENT, '203.0.113.1:80', TCP.SYN, T0 + 15],
    ['router:lan0', 'client:eth0', CLIENT, '203.0.113.1:80', TCP.SYN, T0 + 20],
    ['router:lan0', 'router:lan0', CLIENT, '192.168.1.2:80', TCP.SYN, T0 + 30],
    ['lan:router', 'router:lan0', CLIENT, '192.168.1.2:80', TCP.SYN, T0 + 35],
    ['server:eth0', 'router:lan0', CLIENT, '192.168.1.2:80', TCP.SYN, T0 + 40],
    ['server:eth0', 'server:eth0', '192.168.1.2:80', CLIENT, TCP.SYN | TCP.ACK, T0 + 50],
    ['lan:server', 'server:eth0', '192.168.1.2:80', CLIENT, TCP.SYN | TCP.ACK, T0 + 55],
    ['client:eth0', 'server:eth0', '192.168.1.2:80', CLIENT, TCP.SYN | TCP.ACK, T0 + 60],
    ['client:eth0', 'client:eth0', CLIENT, '192.168.1.2:80', TCP.RST, T0 + 70],
    ['lan:client', 'client:eth0', CLIENT, '192.168.1.2:80', TCP.RST, T0 + 75],
    ['server:eth0', 'client:eth0', CLIENT, '192.168.1.2:80', TCP.RST, T0 + 80],
  ] satisfies Seg[]
).map((seg) => packet(seg));
const directionOf = directionResolver(plan, hairpin);

describe('packet direction', () => {
  const syn = (at: string, from: string, timeUs: number) =>
    packet([at, from, CLIENT, '203.0.113.1:80', TCP.SYN, timeUs]);

  it('takes every frame at an inbound-only switch port as entering the switch', () => {
    expect(plan.captures.find((c) => c.id === 'lan:client')?.inboundOnly).toBe(true);
    const frame = syn('lan:client', 'router:lan0', T0);
    expect(directionResolver(plan, [frame])(frame)).toBe('in');
  });

  it('next to a switch: a frame left iff the switch recorded it entering', () => {
    const sent = syn('client:eth0', 'client:eth0', T0);
    const entering = { ...syn('lan:client', 'client:eth0', T0 + 5) };
    const received = syn('client:eth0', 'router:lan0', T0 + 100);
    const dir = directionResolver(plan, [sent, entering, received]);
    expect(dir(sent)).toBe('out');
    expect(dir(received)).toBe('in');
  });

  it('between routers, by source MAC: the far side of the link is "in"', () => {
    const fromIsp = syn('router:wan0', 'isp:eth1', T0);
    const fromRouter = syn('router:wan0', 'router:wan0', T0);
    const dir = directionResolver(plan, [fromIsp, fromRouter]);
    expect(dir(fromIsp)).toBe('in');
    expect(dir(fromRouter)).toBe('out');
  });

  it('sees through the switch when only its ports are captured', async () => {
    const def = { ...(await loadScenario('hairpin-broken')).def, captures: ['lan'], flows: [] };
    const narrowed = planTopology(def, { scenario: 's', runId: 'unit01' });
    expect(narrowed.captures.every((c) => !c.inboundOnly)).toBe(true);
    const fromClient = syn('lan:client', 'client:eth0', T0);
    const fromRouter = syn('lan:client', 'router:lan0', T0);
    const dir = directionResolver(narrowed, [fromClient, fromRouter]);
    expect(dir(fromClient)).toBe('in');
    expect(dir(fromRouter)).toBe('out');
  });
});

describe('diagnoseL2', () => {
  const arpFromRouter = (at: string, timeUs: number, index: number) =>
    packet([at, 'router:lan0', '192.168.1.1:1', '192.168.1.255:1', TCP.ACK, timeUs], index);

  it('finds a frame sent back out the port it came in on', () => {
    // client:eth0 receives the frame, then it enters the switch from client:eth0 again.
    const packets = [
      arpFromRouter('client:eth0', T0, 1),
      arpFromRouter('client:eth0', T0 + 20, 2),
      arpFromRouter('lan:client', T0 + 25, 1),
    ];
    const findings = diagnoseL2(plan, packets, directionResolver(plan, packets));
    expect(findings.map((f) => f.rule)).toEqual(['frame-reflected']);
    expect(findings[0]?.evidence[0]).toMatch(/^client:eth0 frame 1 in, frame 2 back out/);
  });

  it('does not call a frame delivered twice a reflection when it never went back', () => {
    const packets = [arpFromRouter('client:eth0', T0, 1), arpFromRouter('client:eth0', T0 + 20, 2)];
    expect(diagnoseL2(plan, packets, directionResolver(plan, packets))).toEqual([]);
  });

  it('finds one source MAC entering a switch through two ports', () => {
    const packets = [
      packet(['lan:router', 'router:lan0', '192.168.1.1:1', '192.168.1.2:2', TCP.ACK, T0], 1),
      packet(['lan:server', 'router:lan0', '192.168.1.1:1', '192.168.1.2:2', TCP.ACK, T0 + 10], 4),
    ];
    const probeOf = (p: Packet) => (p.index === 4 ? 'lan-client' : undefined);
    const [finding, ...rest] = diagnoseL2(plan, packets, directionResolver(plan, packets), probeOf);
    expect(rest).toEqual([]);
    expect(finding?.rule).toBe('mac-flap');
    expect(finding?.probe).toBe('lan-client');
    expect(finding?.summary).toMatch(
      /saw router:lan0's MAC .* enter through ports router and server/,
    );
  });

  it('finds nothing in the hairpin failure itself', () => {
    expect(diagnoseL2(plan, hairpin, directionOf)).toEqual([]);
  });
});

describe('compileMatch (PTF-style)', () => {
  const synAck = hairpin.find(
    (p) => p.point === 'client:eth0' && p.tcp?.flags.syn && p.tcp.flags.ack,
  ) as Packet;
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

describe('followJourneys', () => {
  const lab = labView(plan);
  const hops = (j: { hops: { point: string; direction: string }[] } | undefined) =>
    j?.hops.map((h) => `${h.point}/${h.direction}`);

  it('follows one packet across a rewrite and names the node and the rewrite', () => {
    const { journeys, connections } = followJourneys(hairpin, directionOf, lab);
    expect(journeys.map((j) => j.kind)).toEqual(['SYN', 'SYN-ACK', 'RST']);
    expect(hops(journeys[0])).toEqual([
      'client:eth0/out',
      'lan:client/in',
      'router:lan0/in',
      'router:lan0/out',
      'lan:router/in',
      'server:eth0/in',
    ]);
    expect(journeys[0]?.rewrites.map((r) => [r.node, r.nat, r.hop])).toEqual([
      ['router', 'DNAT', 3],
    ]);
    expect(describeRewrites(journeys[0]?.rewrites ?? [])).toBe(
      'router: DNAT dst 203.0.113.1:80 → 192.168.1.2:80 (source unchanged)',
    );
    expect(journeys.map((j) => j.lastSeen)).toEqual([
      'delivered to server',
      'delivered to client',
      'delivered to server',
    ]);
    expect(connections).toEqual([
      expect.objectContaining({
        label: '192.168.1.10:40000 → 203.0.113.1:80',
        journeys: [1, 2, 3],
        summary: 'SYN, SYN-ACK, RST',
      }),
    ]);
  });

  it('says where a packet was last seen when it never left a node', () => {
    const out = '198.51.100.10:80';
    const stopped = (
      [
        ['client:eth0', 'client:eth0', CLIENT, out, TCP.SYN, T0 + 10],
        ['lan:client', 'client:eth0', CLIENT, out, TCP.SYN, T0 + 15],
        ['router:lan0', 'client:eth0', CLIENT, out, TCP.SYN, T0 + 20],
      ] satisfies Seg[]
    ).map((seg) => packet(seg));
    const [syn] = followJourneys(stopped, directionResolver(plan, stopped), lab).journeys;
    expect(syn?.fate).toEqual({ kind: 'swallowed', node: 'router', point: 'router:lan0' });
    expect(syn?.lastSeen).toBe('entered router lan0, never left router');
  });

  it('starts a new journey when a point sees the same packet again (retransmission)', () => {
    const again = { ...(hairpin[0] as Packet), index: 9, timeUs: T0 + 1_000_000 };
    const { journeys } = followJourneys([hairpin[0] as Packet, again], directionOf, lab);
    expect(journeys).toHaveLength(2);
  });

  it('puts a packet leaving before its arrival at the peer when both carry the same microsecond', () => {
    const [sent, entering] = [hairpin[0] as Packet, { ...(hairpin[1] as Packet), timeUs: T0 + 10 }];
    const { journeys } = followJourneys([entering, sent], directionOf, lab);
    expect(hops(journeys[0])).toEqual(['client:eth0/out', 'lan:client/in']);
  });

  it('tells packets apart by their payload, even with equal headers', () => {
    const a = hairpin[0] as Packet;
    const b = { ...a, point: 'lan:client', payloadHash: (a.payloadHash ?? 0) + 1 };
    expect(followJourneys([a, b], directionOf, lab).journeys).toHaveLength(2);
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

  it('keeps a late UDP reply with the probe whose datagram began its flow', () => {
    const datagram = (src: string, dst: string, sport: number, dport: number, timeUs: number) =>
      ({
        point: 'client:eth0',
        timeUs,
        ip: { src, dst },
        udp: { sport, dport, payloadLength: 13 },
      }) as unknown as Packet;
    const sent = datagram('192.168.1.10', '203.0.113.1', 40000, 51820, T0 + 10);
    const lateReply = datagram('203.0.113.1', '192.168.1.10', 51820, 40000, T0 + 2000);
    const nextSent = datagram('192.168.1.10', '203.0.113.1', 40001, 51820, T0 + 1500);
    const byProbe = packetsByProbe(
      [sent, lateReply, nextSent],
      [
        { name: 'first', startedAt: ms(T0) },
        { name: 'second', startedAt: ms(T0 + 1000) },
      ],
    );
    expect(byProbe.get('first')).toEqual([sent, lateReply]);
    expect(byProbe.get('second')).toEqual([nextSent]);
  });
});

describe('evaluateChecks of udp and tcp probes', async () => {
  const udpPlan = planTopology((await loadScenario('udp-port-forward-hairpin')).def, {
    scenario: 'udp-port-forward-hairpin',
    runId: 'unit01',
  });
  const result = (over: Partial<ProbeResult>): ProbeResult => ({
    name: 'lan-client',
    from: 'client',
    to: '203.0.113.1:51820',
    expect: 'connects',
    ok: true,
    exitCode: 0,
    startedAt: 1000,
    endedAt: 1020,
    ...over,
  });
  const checksOf = (probes: ProbeResult[]) =>
    evaluateChecks({
      plan: udpPlan,
      probes,
      packets: [],
      byProbe: new Map(),
      findings: [],
      directionOf: () => 'in',
    }).filter((c) => c.id.startsWith('probe:'));

  it('judges the reply and the peer the UDP service saw', () => {
    const checks = checksOf([result({ serverSaw: '192.168.1.1' })]);
    expect(checks.map((c) => [c.id, c.ok, c.detail])).toEqual([
      ['probe:lan-client', true, 'connected (UDP reply, 20 ms)'],
      ['probe:lan-client:server-saw', true, 'the server reported client address 192.168.1.1'],
    ]);
  });

  it('fails a UDP probe that got no reply, and says the server saw nothing', () => {
    const checks = checksOf([
      result({ ok: false, exitCode: 1, error: 'no reply within the timeout' }),
    ]);
    expect(checks.map((c) => [c.ok, c.detail])).toEqual([
      [false, 'failed: no reply within the timeout (20 ms)'],
      [false, 'the server gave no answer, so it saw nothing'],
    ]);
  });

  it('passes a refused TCP connect that was expected to fail', () => {
    const refused = result({
      name: 'lan-tcp-closed',
      to: '192.168.1.2:2223',
      expect: 'fails',
      ok: false,
      exitCode: 1,
      error: 'connection refused',
    });
    expect(checksOf([refused]).map((c) => [c.name, c.ok])).toEqual([
      ['lan-tcp-closed: client → 192.168.1.2:2223 fails', true],
    ]);
  });
});

describe('evaluateChecks', () => {
  const probe = (over: Partial<ProbeResult>): ProbeResult => ({
    name: 'lan-client',
    from: 'client',
    to: '203.0.113.1:80',
    expect: 'fails',
    ok: false,
    exitCode: 28,
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
      findings: diagnoseTcp(probes, packetsByProbe(packets, probes), directionOf),
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
    expect(results).toHaveLength(8);
  });

  it('gives every check a stable id made from what it judges, and the probe it judges, timed', () => {
    const held = check(bothProbes, hairpin);
    const ids = held.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('probe:lan-client');
    expect(ids).toContain('probe:remote:server-saw');
    expect(ids).toContain('diagnosis:asymmetric-reply');
    expect(ids).toContain('flow:client-answers-the-stray-syn-ack-with-rst');
    // The outcome changes, the ids do not.
    const failed = check([bothProbes[0] as ProbeResult, probe({ ok: true })], []);
    expect(failed.map((r) => r.id)).toEqual(ids);
    expect(failed.some((r) => !r.ok)).toBe(true);
    const lan = held.find((r) => r.id === 'probe:lan-client');
    expect(lan).toMatchObject({ probe: 'lan-client', ms: 500 });
    expect(held.find((r) => r.id === 'diagnosis:asymmetric-reply')?.probe).toBe('lan-client');
  });

  it('fails the flow checks when the SYN-ACK comes back through the router instead', () => {
    // Up to the SYN reaching the server, then a SYN-ACK from the public address instead.
    const fixed = hairpin
      .slice(0, 6)
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
      'diagnosis finds asymmetric-reply',
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

describe('diagnoseTcp', () => {
  const probes = [{ name: 'lan-client', from: 'client' }];
  const byProbe = (packets: Packet[]) => new Map([['lan-client', packets]]);

  it('names the asymmetric reply of the hairpin failure, with its three frames', () => {
    const [finding, ...rest] = diagnoseTcp(probes, byProbe(hairpin), directionOf);
    expect(rest).toEqual([]);
    expect(finding?.rule).toBe('asymmetric-reply');
    expect(finding?.probe).toBe('lan-client');
    expect(finding?.summary).toMatch(
      /client sent its SYN to 203\.0\.113\.1:80, but the SYN-ACK came from 192\.168\.1\.2:80, so it reset/,
    );
    expect(finding?.evidence.map((e) => e.split(':')[0])).toEqual(['client', 'client', 'client']);
  });

  it('finds nothing when the SYN-ACK comes from the address the client asked', () => {
    const fixed = hairpin
      .filter((p) => !(p.tcp?.flags.syn && p.tcp.flags.ack) && !p.tcp?.flags.rst)
      .concat(
        packet([
          'client:eth0',
          'router:lan0',
          '203.0.113.1:80',
          CLIENT,
          TCP.SYN | TCP.ACK,
          T0 + 60,
        ]),
      );
    expect(diagnoseTcp(probes, byProbe(fixed), directionResolver(plan, fixed))).toEqual([]);
  });

  it('does not blame a stray SYN-ACK the client never reset', () => {
    const noReset = hairpin.filter((p) => !p.tcp?.flags.rst);
    expect(diagnoseTcp(probes, byProbe(noReset), directionResolver(plan, noReset))).toEqual([]);
  });
});
