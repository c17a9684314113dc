// dropped-by-rule's choice among counted rules and policies, on kernel state parsed from the
// kernel's own dump format: the rules whose match fits, else the drop policy, else every drop rule.

import { describe, expect, it } from 'vitest';
import { droppedByRule } from '../../src/analyse/diagnose-drops.ts';
import type { Journey } from '../../src/analyse/journeys.ts';
import type { LabView } from '../../src/analyse/lab-view.ts';
import { parseIptablesCounters } from '../../src/kernel-state/parse-counters.ts';
import { parseIptablesPolicies } from '../../src/kernel-state/parse-policies.ts';

/** The LAN client's SYN to the internet, last seen entering the router's lan0. */
const syn: Journey = {
  number: 1,
  connection: 1,
  role: 'SYN',
  kind: 'SYN',
  proto: 'tcp',
  sent: {
    src: { address: '192.168.1.10', port: 40000 },
    dst: { address: '198.51.100.10', port: 80 },
  },
  received: {
    src: { address: '192.168.1.10', port: 40000 },
    dst: { address: '198.51.100.10', port: 80 },
  },
  hops: [{ point: 'router:lan0', direction: 'in', frame: 3, timeUs: 0 }],
  rewrites: [],
  fate: { kind: 'swallowed', node: 'router', point: 'router:lan0' },
  lastSeen: 'entered router lan0, never left router',
};
const lab = { ownerOf: () => undefined } as unknown as LabView;

function save(rules: string[], policy = 'DROP [4:240]') {
  const lines = ['*filter', `:FORWARD ${policy}`, ...rules, 'COMMIT'];
  return { counters: parseIptablesCounters(lines), policies: parseIptablesPolicies(lines) };
}

const drop = (state: ReturnType<typeof save>) =>
  droppedByRule({ probe: 'web', node: 'router', lost: [syn], lab, ...state })?.summary;

describe('dropped-by-rule', () => {
  it('names every counted rule whose match fits, and says the counters may be shared', () => {
    const said = drop(
      save([
        '[2:120] -A FORWARD -p tcp -m tcp --dport 80 -j DROP',
        '[1:60] -A FORWARD -i lan0 -j REJECT --reject-with icmp-port-unreachable',
        '[5:300] -A FORWARD -p udp -j DROP',
      ]),
    );
    expect(said).toContain(
      'dropped by one of 2 rules on router whose match could be this packet: `filter FORWARD` rule 1 (`-A FORWARD -p tcp -m tcp --dport 80 -j DROP`), 2 packet(s); `filter FORWARD` rule 2',
    );
    expect(said).toContain('Counters are read once, after every probe');
    expect(said).not.toContain('-p udp');
  });

  it('takes the drop policy over counted rules that cannot match', () => {
    expect(drop(save(['[5:300] -A FORWARD -p udp -j DROP']))).toMatch(
      /no drop rule that could match it counted; `filter FORWARD` policy DROP counted 4 packet\(s\)\.$/,
    );
  });

  it('names every counted drop rule as a candidate when no policy drops, saying none names it', () => {
    expect(drop(save(['[5:300] -A FORWARD -p udp -j DROP'], 'ACCEPT [9:540]'))).toMatch(
      /no counted drop rule's match names this packet, so every drop rule that counted is a candidate: `filter FORWARD` rule 1/,
    );
  });

  it('says nothing when no drop rule counted and no policy dropped', () => {
    expect(drop(save(['[0:0] -A FORWARD -p tcp -j DROP'], 'DROP [0:0]'))).toBeUndefined();
  });
});
