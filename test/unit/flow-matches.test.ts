// Flow matches on ICMP, MACs, ethertype, VLAN and IP length, and flow counts, on synthetic frames.

import { describe, expect, it } from 'vitest';
import { compileMatch } from '../../src/analyse/match-packet.ts';
import { judgeFlow } from '../../src/check/flow-checks.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import type { Packet } from '../../src/decode/packet.ts';
import type { FlowExpectationDef } from '../../src/scenario/define-scenario.ts';
import { arp, ethernet, ipv4, ipv6 } from '../support/frames.ts';

const A = '02:6e:6c:00:00:01';
const B = '02:6e:6c:00:00:02';
const AT = 'client:eth0';

function decoded(frame: Uint8Array, index = 1): Packet {
  return decodeFrame(frame, { point: AT, index, timeUs: index, length: frame.length });
}

/** An ICMP echo request of 84 IP bytes (56 of data), as ping sends by default. */
const echoBody = (type: number) => [type, 0, 0, 0, 0, 1, 0, 1, ...new Array(56).fill(0)];
const echo = decoded(ethernet(A, B, 0x0800, ipv4('10.0.0.1', '10.0.0.2', 1, echoBody(8))));
const echo6 = decoded(
  ethernet(A, B, 0x86dd, ipv6('2001:db8::1', '2001:db8::2', 58, echoBody(128))),
);
const tagged = decoded(
  ethernet(A, B, 0x8100, [0x00, 0x14, 0x08, 0x00, ...ipv4('10.0.0.1', '10.0.0.2', 1, echoBody(0))]),
);
const request = decoded(
  ethernet(A, 'ff:ff:ff:ff:ff:ff', 0x0806, arp(1, A, '10.0.0.1', B, '10.0.0.2')),
);

const matches = (match: FlowExpectationDef['match'], packet: Packet) =>
  compileMatch(match)(packet, 'out');

describe('compileMatch on the new fields', () => {
  it('matches ICMP type and code by number, and by name for ICMP and ICMPv6 alike', () => {
    expect(matches({ icmp: { type: 8, code: 0 } }, echo)).toBe(true);
    expect(matches({ icmp: { type: 8, code: 1 } }, echo)).toBe(false);
    expect(matches({ icmp: { type: 'echo-request' } }, echo)).toBe(true);
    expect(matches({ icmp: { type: 'echo-request' } }, echo6)).toBe(true);
    expect(matches({ icmp: { type: 8 } }, echo6)).toBe(false);
    expect(matches({ icmp: { type: 'echo-reply' } }, echo)).toBe(false);
    expect(matches({ icmp: { type: 'packet-too-big' } }, echo)).toBe(false);
    expect(matches({ icmp: {} }, echo)).toBe(true);
    expect(matches({ icmp: {} }, request)).toBe(false);
  });

  it('matches MACs in either case, the ethertype, the VLAN id and the IP length', () => {
    expect(matches({ srcMac: A.toUpperCase(), dstMac: B }, echo)).toBe(true);
    expect(matches({ srcMac: B }, echo)).toBe(false);
    expect(matches({ dstMac: 'ff:ff:ff:ff:ff:ff', ethertype: 0x0806 }, request)).toBe(true);
    expect(matches({ ethertype: 0x86dd }, echo6)).toBe(true);
    expect(matches({ ethertype: 0x0800 }, tagged)).toBe(true);
    expect(matches({ vlan: 20 }, tagged)).toBe(true);
    expect(matches({ vlan: 21 }, tagged)).toBe(false);
    expect(matches({ vlan: 0 }, echo)).toBe(false);
    expect(matches({ ipLength: 84 }, echo)).toBe(true);
    expect(matches({ ipLength: 104 }, echo6)).toBe(true);
    expect(matches({ ipLength: 84 }, request)).toBe(false);
  });
});

describe('judgeFlow counts', () => {
  const pool = [echo, { ...echo, index: 2 }, { ...echo, index: 3 }, request];
  const judge = (flow: Omit<FlowExpectationDef, 'at'>) =>
    judgeFlow({ flow: { at: AT, ...flow }, pool, directionOf: () => 'out' });

  it('says what it counted and what was expected', () => {
    const tooMany = judge({ match: { icmp: { type: 'echo-request' } }, count: { atMost: 2 } });
    expect(tooMany.name).toBe('client:eth0 sees at most 2 packets of icmp echo-request');
    expect(tooMany.ok).toBe(false);
    expect(tooMany.detail).toMatch(
      /^3 packets at client:eth0, expected at most 2 packets; first: frame 1, /,
    );
    const one = judge({ match: { proto: 'arp' }, count: { exactly: 1 } });
    expect(one).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^1 packet at client:eth0, as expected \(exactly 1 packet\)/),
    });
  });

  it('sums IP lengths as bytes, a frame without IP by its wire length', () => {
    const icmp = judge({ match: { proto: 'icmp' }, bytes: { atLeast: 252 } });
    expect(icmp.ok).toBe(true);
    expect(icmp.detail).toMatch(/^3 packets \(252 bytes\) at client:eth0, as expected/);
    const all = judge({ match: {}, count: { atLeast: 4 }, bytes: { atMost: 252 } });
    expect(all).toMatchObject({
      ok: false,
      detail: expect.stringMatching(
        /^4 packets \(294 bytes\) at client:eth0, expected at most 252 bytes;/,
      ),
    });
  });

  it("combines with expect: 'seen' needs one, a count alone may allow none", () => {
    const none = { match: { vlan: 99 } };
    expect(judge({ ...none, count: { atMost: 2 } })).toMatchObject({
      ok: true,
      detail: '0 packets at client:eth0, as expected (at most 2 packets)',
    });
    expect(judge({ ...none, expect: 'seen', count: { atMost: 2 } })).toMatchObject({
      ok: false,
      detail: '0 packets at client:eth0, expected at least 1 packet',
    });
    expect(judge({ ...none, expect: 'absent' })).toMatchObject({
      ok: true,
      detail: 'none at client:eth0, as expected',
    });
  });
});
