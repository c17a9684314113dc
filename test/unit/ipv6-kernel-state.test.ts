// IPv6 kernel state: ip6tables counters keyed apart from iptables', nft ip6 and inet tables, and
// IPv6 conntrack entries matched whatever way their addresses are written.

import { describe, expect, it } from 'vitest';
import { kernelChecks } from '../../src/check/kernel-checks.ts';
import { parseConntrack } from '../../src/kernel-state/parse-conntrack.ts';
import { parseIptablesCounters, parseNftCounters } from '../../src/kernel-state/parse-counters.ts';
import type { KernelState } from '../../src/kernel-state/read-kernel-state.ts';
import type { KernelChecksPlan } from '../../src/plan/topology-plan.ts';

const SAVE = [
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  '[2:160] -A PREROUTING -d 2001:db8:203::1/128 -p tcp -m tcp --dport 80 -j DNAT --to-destination [fd00:1::2]:80',
  '[1:80] -A POSTROUTING -s fd00:1::/64 -d fd00:1::2/128 -j MASQUERADE',
  'COMMIT',
];
const V4_SAVE = [
  '*nat',
  '[5:300] -A PREROUTING -d 203.0.113.1/32 -j DNAT --to-destination 192.168.1.2',
];

const conntrack = [
  'ipv6     10 tcp      6 117 TIME_WAIT src=fd00:1::10 dst=2001:db8:203::1 sport=40000 dport=80 src=fd00:1::2 dst=fd00:1::1 sport=80 dport=40000 [ASSURED] mark=0 use=1',
  'ipv6     10 icmpv6   58 29 src=fd00:1::10 dst=2001:db8:203::1 type=128 code=0 id=7 src=2001:db8:203::1 dst=fd00:1::10 type=129 code=0 id=7 mark=0 use=1',
  'ipv4     2 tcp      6 117 TIME_WAIT src=192.168.1.10 dst=203.0.113.1 sport=40001 dport=80 src=192.168.1.2 dst=192.168.1.1 sport=80 dport=40001 [ASSURED] mark=0 use=1',
];
const state: KernelState[] = [
  {
    node: 'router',
    conntrack,
    entries: parseConntrack(conntrack),
    policies: [],
    counters: [
      ...parseIptablesCounters(V4_SAVE),
      ...parseIptablesCounters(SAVE, 'ip6tables'),
      ...parseNftCounters([
        'table ip6 nat { # handle 3',
        '\tchain prerouting { # handle 1',
        '\t\tip6 daddr 2001:db8:203::1 tcp dport 80 counter packets 4 bytes 320 dnat to fd00:1::2 # handle 2',
        '\t}',
        '}',
        'table inet nat { # handle 4',
        '\tchain postrouting { # handle 1',
        '\t\tcounter packets 9 bytes 700 masquerade # handle 3',
        '\t}',
        '}',
      ]),
    ],
  },
];
const none: KernelChecksPlan = { conntrack: [], counters: [], health: false };

describe('IPv6 rule counters', () => {
  it("keys ip6tables-save -c rules apart from iptables' and nft's", () => {
    expect(state[0]?.counters.map((c) => [c.key, c.table, c.packets])).toEqual([
      ['iptables nat/PREROUTING#1', 'nat', 5],
      ['ip6tables nat/PREROUTING#1', 'ip6 nat', 2],
      ['ip6tables nat/POSTROUTING#1', 'ip6 nat', 1],
      ['nft ip6 nat/prerouting#2', 'ip6 nat', 4],
      ['nft inet nat/postrouting#3', 'inet nat', 9],
    ]);
  });

  it('sums only the family a counter expectation names', () => {
    const packets = (table: string, chain: string) =>
      kernelChecks({
        kernelChecks: {
          ...none,
          counters: [{ on: 'router', rule: { table, chain }, packets: { atLeast: 0 } }],
        },
        kernelState: state,
      })[0]?.detail;
    expect(packets('nat', 'PREROUTING')).toMatch(/^7 packet\(s\)/);
    expect(packets('ip6 nat', 'PREROUTING')).toMatch(/^2 packet\(s\)/);
    expect(packets('ip6 nat', 'prerouting')).toMatch(/^4 packet\(s\)/);
    expect(packets('inet nat', 'postrouting')).toMatch(/^9 packet\(s\)/);
  });
});

describe('IPv6 rule counters from nft beside ip6tables-nft', () => {
  it('leaves out the tables nft says iptables-nft manages: ip6tables-save counts those rules', () => {
    const counters = parseNftCounters([
      'table ip6 nat { # handle 1',
      '\tchain POSTROUTING { # handle 2',
      '\t\toifname "wan0" counter packets 1 bytes 80 masquerade # handle 5',
      '\t}',
      '}',
      'table ip6 filter { # handle 3',
      '\tchain forward { # handle 1',
      '\t\tcounter packets 2 bytes 160 accept # handle 2',
      '\t}',
      '}',
      // nft says so on stderr, after the ruleset.
      '# Warning: table ip6 nat is managed by iptables-nft, do not touch!',
    ]);
    expect(counters.map((c) => c.key)).toEqual(['nft ip6 filter/forward#2']);
  });
});

describe('IPv6 conntrack', () => {
  it('parses IPv6 tuples, ports and ICMPv6 type and id', () => {
    const [tcp, icmp] = state[0]?.entries ?? [];
    expect(tcp).toMatchObject({
      family: 'ipv6',
      proto: 'tcp',
      state: 'TIME_WAIT',
      orig: { src: 'fd00:1::10', dst: '2001:db8:203::1', sport: 40000, dport: 80 },
      reply: { src: 'fd00:1::2', dst: 'fd00:1::1', sport: 80, dport: 40000 },
    });
    expect(icmp).toMatchObject({ proto: 'icmpv6', orig: { type: 128, id: 7 } });
  });

  it('matches addresses written longhand, or as a prefix, against the kernel’s short form', () => {
    const checks = kernelChecks({
      kernelChecks: {
        ...none,
        conntrack: [
          {
            name: 'longhand',
            on: 'router',
            match: {
              proto: 'tcp',
              orig: { src: 'fd00:1:0:0::0010', dst: '2001:0db8:0203::0001' },
              reply: { src: 'fd00:1::/64', dst: 'fd00:1::1' },
            },
            expect: 'seen',
          },
          {
            name: 'not the IPv4 entry',
            on: 'router',
            match: { orig: { src: '2001:db8::/32' } },
            expect: 'absent',
          },
        ],
      },
      kernelState: state,
    });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['longhand', true],
      ['not the IPv4 entry', true],
    ]);
  });
});
