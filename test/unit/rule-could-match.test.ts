// Which counted rules could have matched a lost packet, from the rule text the kernel printed.

import { describe, expect, it } from 'vitest';
import { dnatTarget, ruleCouldMatch } from '../../src/analyse/rule-could-match.ts';

const syn = {
  proto: 'tcp' as const,
  src: '192.168.1.10',
  dst: '198.51.100.10',
  sport: 40000,
  dport: 80,
  iif: 'lan0',
};

describe('ruleCouldMatch', () => {
  it.each([
    ['-A FORWARD -d 198.51.100.0/24 -p tcp -m tcp --dport 80 -j DROP', true],
    ['-A FORWARD -d 198.51.100.0/24 -p udp -m udp --dport 80 -j DROP', false],
    ['-A FORWARD ! -s 192.168.1.0/24 -j DROP', false],
    ['-A FORWARD -i wan0 -j DROP', false],
    ['-A FORWARD -i lan+ -p tcp -m multiport --dports 22,80 -j REJECT', true],
    ['-A FORWARD -p tcp -m tcp --dport 1000:2000 -j DROP', false],
    ['-A FORWARD -m conntrack --ctstate INVALID -j DROP', true],
  ])('iptables %s: %s', (rule, could) => {
    expect(ruleCouldMatch(rule, syn)).toBe(could);
  });

  it.each([
    ['ct state invalid counter drop', true],
    ['iifname "wan0" counter drop', false],
    ['iifname { "lan0", "lan1" } tcp dport { 22, 80 } counter reject', true],
    ['ip daddr != 198.51.100.10 counter drop', false],
    ['udp dport 53 counter drop', false],
    ['meta l4proto tcp th dport 443 counter drop', false],
    ['ip saddr 192.168.1.0/24 counter drop', true],
  ])('nft %s: %s', (rule, could) => {
    expect(ruleCouldMatch(rule, syn)).toBe(could);
  });

  it('reads where a DNAT rule sends what it matches', () => {
    expect(
      dnatTarget('-A PREROUTING -d 203.0.113.1/32 -j DNAT --to-destination 192.168.1.2'),
    ).toEqual({
      address: '192.168.1.2',
    });
    expect(dnatTarget('tcp dport 80 counter dnat ip to 192.168.1.2:8080')).toEqual({
      address: '192.168.1.2',
      port: 8080,
    });
    expect(dnatTarget('counter masquerade')).toBeUndefined();
  });
});
