// IPv6 in the analysis: the flow label decoded and used to follow a packet (IPv6 has no IP ID),
// and neighbour discovery and MLD kept out of journeys and out of reflected-frame findings.

import { describe, expect, it } from 'vitest';
import { diagnoseL2 } from '../../src/analyse/diagnose-l2.ts';
import { followJourneys } from '../../src/analyse/journeys.ts';
import { labView } from '../../src/analyse/lab-view.ts';
import { directionResolver } from '../../src/analyse/packet-direction.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import type { Packet } from '../../src/decode/packet.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { ethernet, ipv6, TCP, tcp } from '../support/frames.ts';

const plan = planTopology((await loadScenario('ipv6-nat-hairpin-broken')).def, {
  scenario: 'ipv6-nat-hairpin-broken',
  runId: 'unit06',
});
const mac = (node: string, iface: string) =>
  plan.nodes.find((n) => n.name === node)?.interfaces.find((i) => i.name === iface)?.mac ?? '';
const T0 = 1_700_000_000_000_000;

interface Frame {
  at: string;
  from: string;
  src: string;
  dst: string;
  next: number;
  payload: number[];
  timeUs: number;
  flowLabel?: number;
}

function capture(
  { at, from, src, dst, next, payload, timeUs, flowLabel }: Frame,
  index = 1,
): Packet {
  const [node = '', iface = ''] = from.split(':');
  const frame = ethernet(
    mac(node, iface),
    '33:33:00:00:00:16',
    0x86dd,
    ipv6(src, dst, next, payload, flowLabel),
  );
  return decodeFrame(frame, { point: at, index, timeUs, length: frame.length });
}

/** An ICMPv6 message of `type` with a body of zeros: ND and MLD as far as the analysis looks. */
const icmp6 = (type: number) => [type, 0, 0, 0, ...new Array(20).fill(0)];
const syn = tcp({ sport: 40000, dport: 80, flags: TCP.SYN });

describe('IPv6 decode', () => {
  it('reads the flow label, and gives IPv6 no IP ID', () => {
    const p = capture({
      at: 'client:eth0',
      from: 'client:eth0',
      src: 'fd00:1::10',
      dst: '2001:db8:203::1',
      next: 6,
      payload: syn,
      timeUs: T0,
      flowLabel: 0xabcde,
    });
    expect(p.ip).toMatchObject({ version: 6, flowLabel: 0xabcde });
    expect(p.ip?.id).toBeUndefined();
  });
});

describe('IPv6 journeys', () => {
  const view = labView(plan);
  const hop = (at: string, timeUs: number, flowLabel: number) =>
    capture({
      at,
      from: 'client:eth0',
      src: 'fd00:1::10',
      dst: '2001:db8:203::1',
      next: 6,
      payload: syn,
      timeUs,
      flowLabel,
    });

  it('follows one SYN across hops by its flow label, and tells two labels apart', () => {
    const same = [hop('client:eth0', T0, 7), hop('router:lan0', T0 + 10, 7)];
    expect(followJourneys(same, () => 'out', view).journeys.map((j) => j.hops.length)).toEqual([2]);
    // Alike in every other header field, a different label is another packet.
    const other = [hop('client:eth0', T0, 7), hop('router:lan0', T0 + 10, 8)];
    expect(followJourneys(other, () => 'out', view).journeys.map((j) => j.hops.length)).toEqual([
      1, 1,
    ]);
  });

  it('makes no journey of neighbour discovery or MLD, but one of a redirect', () => {
    const from = { at: 'client:eth0', from: 'router:lan0', src: 'fe80::1', next: 58 };
    const packets = [
      capture({ ...from, dst: 'ff02::1:ff00:10', payload: icmp6(135), timeUs: T0 }),
      capture({ ...from, dst: 'fd00:1::10', payload: icmp6(136), timeUs: T0 + 1 }),
      capture({ ...from, dst: 'ff02::16', payload: icmp6(143), timeUs: T0 + 2 }),
      capture({ ...from, dst: 'ff02::2', payload: icmp6(133), timeUs: T0 + 3 }),
      capture({ ...from, dst: 'fd00:1::10', payload: icmp6(137), timeUs: T0 + 4 }),
    ];
    expect(followJourneys(packets, () => 'in', view).journeys.map((j) => j.kind)).toEqual([
      'ICMPv6 redirect',
    ]);
  });
});

describe('IPv6 reflected frames', () => {
  const twice = (payload: number[], next: number) => {
    const frame = {
      at: 'client:eth0',
      from: 'router:lan0',
      src: 'fe80::1',
      dst: 'ff02::16',
      next,
      payload,
    };
    // Seen twice at client:eth0, and entering the switch from the client only after the second.
    return [
      capture({ ...frame, timeUs: T0 }, 1),
      capture({ ...frame, timeUs: T0 + 20 }, 2),
      capture({ ...frame, at: 'lan:client', timeUs: T0 + 25 }, 1),
    ];
  };

  it('takes an MLD report repeated byte for byte for what it is, not a reflection', () => {
    const packets = twice(icmp6(143), 58);
    expect(diagnoseL2(plan, packets, directionResolver(plan, packets))).toEqual([]);
  });

  it('still finds a reflected IPv6 frame that is not link upkeep', () => {
    const packets = twice(icmp6(128), 58);
    expect(diagnoseL2(plan, packets, directionResolver(plan, packets)).map((f) => f.rule)).toEqual([
      'frame-reflected',
    ]);
  });
});
