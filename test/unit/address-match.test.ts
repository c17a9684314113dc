// Which NAT addresses a candidate ruleset forwards and SNATs to, and which of them a scenario lacks.

import { describe, expect, it } from 'vitest';
import { addressMismatches, natAddressesOf } from '../../src/candidates/address-match.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';

const hairpin = (await loadScenario('hairpin')).def;

describe('natAddressesOf', () => {
  it('reads DNAT matches, DNAT targets and SNAT sources from iptables and nft rules', () => {
    const iptables = natAddressesOf({
      format: 'iptables',
      text: [
        '-A PREROUTING -4 -p tcp -d 203.0.113.1 --dport 80 -j DNAT --to 192.168.1.2:80',
        '-A PREROUTING ! -d 10.0.0.1 -j DNAT --to-destination 192.168.1.3',
        '-A POSTROUTING -j SNAT --to-source 203.0.113.1-203.0.113.3 # a range',
      ].join('\n'),
    });
    expect(iptables).toEqual({
      dnatMatches: [['203.0.113.1']],
      dnatTargets: ['192.168.1.2', '192.168.1.3'],
      snatSources: ['203.0.113.1'],
    });
    const nft = natAddressesOf({
      format: 'nft',
      text: [
        'ip daddr { 203.0.113.1, 198.51.100.7 } tcp dport 80 dnat to 192.168.1.2:8080',
        'ip daddr != 10.0.0.1 dnat ip to 192.168.1.4',
        'oifname "wan0" snat to 203.0.113.1',
      ].join('\n'),
    });
    expect(nft).toEqual({
      dnatMatches: [['203.0.113.1', '198.51.100.7']],
      dnatTargets: ['192.168.1.2', '192.168.1.4'],
      snatSources: ['203.0.113.1'],
    });
  });
});

describe('addressMismatches on hairpin', () => {
  const rules = (...lines: string[]) => ({ format: 'iptables' as const, text: lines.join('\n') });

  it('finds nothing in rules written for the scenario, or in rules it cannot read', () => {
    expect(
      addressMismatches(
        hairpin,
        rules(
          '-A PREROUTING -d 203.0.113.0/24 -p tcp --dport 80 -j DNAT --to-destination 192.168.1.2',
          '-A PREROUTING -d gateway.example -j DNAT --to-destination 192.168.1.2',
          '-A POSTROUTING -j SNAT --to-source 192.168.1.1',
        ),
      ),
    ).toEqual([]);
  });

  it('names each address of the candidate the scenario lacks, and what the scenario has', () => {
    const problems = addressMismatches(
      hairpin,
      rules(
        '-A PREROUTING -d 198.51.100.7 -p tcp --dport 80 -j DNAT --to-destination 10.0.0.5:8080',
        '-A POSTROUTING -j SNAT --to-source 198.51.100.7',
      ),
    );
    expect(problems).toEqual([
      "it forwards traffic for 198.51.100.7, but the scenario's router has 203.0.113.1 on wan0, 192.168.1.1 on lan0",
      'it forwards to 10.0.0.5, which no node of the scenario has (remote 198.51.100.10, isp 198.51.100.1, isp 203.0.113.254, server 192.168.1.2, client 192.168.1.10)',
      "it rewrites sources to 198.51.100.7, but the scenario's router has 203.0.113.1 on wan0, 192.168.1.1 on lan0",
    ]);
  });
});
