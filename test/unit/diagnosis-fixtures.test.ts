// Each diagnosis rule on real captures, recorded by scripts/record-capture-fixture.ts. The analysis
// is pure: these run without root, on the pcaps and kernel state of a past run.

import { describe, expect, it } from 'vitest';
import { analyseFixture } from '../support/fixture-result.ts';

const rules = (findings: { rule: string }[]) => findings.map((f) => f.rule);

describe('diagnosis rules on recorded captures', () => {
  it('asymmetric-reply: hairpin-broken, and nothing else', async () => {
    const { findings, journeys } = await analyseFixture('hairpin-broken');
    expect(rules(findings)).toEqual(['asymmetric-reply']);
    expect(findings[0]?.evidence).toEqual([
      expect.stringMatching(/^client:eth0 frame \d+: 192\.168\.1\.10:\d+ → 203\.0\.113\.1:80 SYN$/),
      expect.stringMatching(
        /^client:eth0 frame \d+: 192\.168\.1\.2:80 → 192\.168\.1\.10:\d+ SYN-ACK$/,
      ),
      expect.stringMatching(/^client:eth0 frame \d+: 192\.168\.1\.10:\d+ → 192\.168\.1\.2:80 RST$/),
    ]);
    // The remote client's connection: every packet crossed the router, rewritten one way or the other.
    const remote = journeys[0];
    expect(remote?.connections).toHaveLength(1);
    expect(remote?.journeys.every((j) => j.rewrites.some((r) => r.node === 'router'))).toBe(true);
    expect(remote?.journeys.every((j) => j.fate.kind === 'delivered')).toBe(true);
  });

  it('swallowed-by-node: the bridged gateway drops the de-NATed reply, and says br_netfilter', async () => {
    const { findings } = await analyseFixture('bridge-nat-bug');
    expect(rules(findings)).toEqual(['swallowed-by-node']);
    expect(findings[0]?.summary).toMatch(
      /^wired: \d+ packet\(s\) entered gateway and never left it .*SYN-ACK 203\.0\.113\.80:80 → 198\.51\.100\.2:\d+\) entered gateway eth0, never left gateway\. gateway bridges eth0 with br_netfilter on/,
    );
    expect(findings[0]?.evidence[0]).toMatch(
      /^gateway:eth0 frame \d+: .* SYN-ACK \(journey \d+\)$/,
    );
  });

  it('never-reached-server: with no DNAT rule, the router answers the SYN with RST itself', async () => {
    const { findings } = await analyseFixture('no-dnat');
    expect(rules(findings)).toEqual(['never-reached-server', 'never-reached-server']);
    expect(findings[0]?.summary).toMatch(
      /^remote: the SYN for 203\.0\.113\.1:80 never reached server .*router answered with RST itself/,
    );
    expect(findings[0]?.evidence[1]).toMatch(/203\.0\.113\.1:80 → 198\.51\.100\.10:\d+ RST-ACK/);
  });

  it('never-reached-server and dropped-by-rule: a filter drop is named, with its rule counter', async () => {
    const { findings } = await analyseFixture('forward-drop');
    expect(rules(findings)).toEqual([
      'dropped-by-rule',
      'never-reached-server',
      'dropped-by-rule',
      'never-reached-server',
    ]);
    // The DNAT rule counted, so the rule's -d 192.168.1.2 can be the SYN sent to 203.0.113.1.
    expect(findings[2]?.summary).toMatch(
      /^lan-client: 2 packet\(s\) died inside router; journey 1 \(SYN 192\.168\.1\.10:\d+ → 203\.0\.113\.1:80\) entered router lan0 addressed to router's own 203\.0\.113\.1 and never left it: dropped by `filter FORWARD` rule 1 \(`-A FORWARD -d 192\.168\.1\.2\/32 -p tcp -m tcp --dport 80 -j DROP`\) on router, which counted 7 packet\(s\)\.$/,
    );
    expect(findings[3]?.summary).toMatch(
      /^lan-client: .* entered router lan0 addressed to router's own 203\.0\.113\.1 and never left it\. .*Rule "filter: -A FORWARD -d 192\.168\.1\.2\/32 .* -j DROP" counted [1-9]\d* packet\(s\)/,
    );
  });

  it('dropped-by-rule: an iptables FORWARD policy DROP and a REJECT rule, each named from its counter', async () => {
    const { findings } = await analyseFixture('forward-policy-drop');
    // In place of swallowed-by-node; nothing for the ping, which passed.
    expect(findings.map((f) => [f.rule, f.probe])).toEqual([
      ['dropped-by-rule', 'lan-web'],
      ['dropped-by-rule', 'lan-telnet'],
    ]);
    expect(findings[0]?.summary).toMatch(
      /^lan-web: 1 packet\(s\) died inside router; journey 1 \(SYN 192\.168\.1\.10:\d+ → 198\.51\.100\.10:80\) entered router lan0, never left router: no drop rule that could match it counted; `filter FORWARD` policy DROP counted 1 packet\(s\)\.$/,
    );
    // The router answered the SYN with RST itself: rejected, not delivered.
    expect(findings[1]?.summary).toContain(
      'entered router lan0, was answered by router itself and never left it: dropped by `filter FORWARD` rule 3 (`-A FORWARD -i lan0 -o wan0 -p tcp -m tcp --dport 23 -j REJECT --reject-with tcp-reset`) on router, which counted 1 packet(s).',
    );
    expect(findings[1]?.evidence.at(-1)).toBe(
      'router: iptables filter/FORWARD#3 counted 1 packet(s): -A FORWARD -i lan0 -o wan0 -p tcp -m tcp --dport 23 -j REJECT --reject-with tcp-reset',
    );
  });

  it('dropped-by-rule: nft names the counted rule by handle, or the chain policy nft keeps no count for', async () => {
    const { findings } = await analyseFixture('nft-forward-drop');
    expect(findings.map((f) => [f.rule, f.probe])).toEqual([
      ['dropped-by-rule', 'lan-web'],
      ['dropped-by-rule', 'lan-mail'],
    ]);
    expect(findings[0]?.summary).toMatch(
      /: no drop rule that could match it counted; chain `inet filter forward` has policy drop \(nft keeps no counter for a policy\)\.$/,
    );
    expect(findings[1]?.summary).toMatch(
      /: dropped by `inet filter forward` rule handle \d+ \(`iifname "lan0" oifname "wan0" tcp dport 25 drop`\) on router, which counted 1 packet\(s\)\.$/,
    );
  });

  it('dropped-by-rule obeys expected failures: not asked for, a probe failing as expected raises none', async () => {
    const { findings } = await analyseFixture('forward-policy-drop', {
      expect: (def) => ({ ...def, diagnosis: {} }),
    });
    expect(findings).toEqual([]);
    // Expected to connect, the same failure is explained.
    const surprised = await analyseFixture('forward-policy-drop', {
      expect: (def) => ({
        ...def,
        diagnosis: {},
        probes: def.probes?.map((p) => ({ ...p, expect: 'connects' as const })),
      }),
    });
    expect(surprised.findings.map((f) => f.rule)).toContain('dropped-by-rule');
  });

  it('server-refused: DNAT to a port where nothing listens', async () => {
    const { findings } = await analyseFixture('server-refused');
    expect(rules(findings)).toEqual(['server-refused', 'server-refused']);
    expect(findings[0]?.summary).toContain(
      'server answered the SYN with RST: nothing listens on 192.168.1.2:8080',
    );
    expect(findings[0]?.summary).toContain(
      'router: DNAT dst 203.0.113.1:80 → 192.168.1.2:8080 (source unchanged)',
    );
    expect(findings[0]?.evidence[1]).toMatch(
      /^server:eth0 frame \d+: 192\.168\.1\.2:8080 → .* RST-ACK/,
    );
  });

  it('frame-reflected and mac-flap: the gateway port in hairpin mode', async () => {
    const { findings } = await analyseFixture('bridge-nat-hairpin-port');
    expect(rules(findings)).toEqual(expect.arrayContaining(['frame-reflected', 'mac-flap']));
    const flap = findings.find((f) => f.rule === 'mac-flap' && f.summary.includes('wired:eth0'));
    expect(flap?.summary).toMatch(/enter through ports (gateway and wired|wired and gateway)/);
    // Frames the switch dropped after learning the wired client on the gateway's port.
    expect(findings.find((f) => f.rule === 'swallowed-by-node')?.summary).toMatch(
      /entered switch and never left it.*Switch switch is a bridge/,
    );
  });
  it('expected failures: a probe that fails as the scenario expects raises no finding', async () => {
    // pmtu-through-masquerade's too-big pings fail as expected: their echo dies at the router.
    const { findings, verdict } = await analyseFixture('pmtu-through-masquerade');
    expect(verdict).toBe('pass');
    expect(rules(findings)).toEqual([]);
    // Asked for, the same finding is kept.
    const asked = await analyseFixture('pmtu-through-masquerade', {
      expect: (def) => ({ ...def, diagnosis: { 'swallowed-by-node': true } }),
    });
    expect(asked.findings.map((f) => `${f.rule} ${f.probe}`)).toContain(
      'swallowed-by-node too-big',
    );
  });
  it('local delivery: a ping the router REDIRECTs to itself is delivered to it', async () => {
    const { findings, journeys, verdict } = await analyseFixture('ping-redirect');
    expect(verdict).toBe('pass');
    expect(rules(findings)).toEqual([]);
    const [request, reply] = journeys[0]?.journeys ?? [];
    expect(request?.kind).toBe('ICMP echo request');
    expect(request?.fate).toEqual({ kind: 'delivered', node: 'router' });
    expect(request?.lastSeen).toBe('delivered to router');
    expect(reply?.sent.src.address).toBe('203.0.113.50');
  });
  it('swallowed-by-node: a SYN to the gateway dropped inside its bridge is not delivered', async () => {
    // The probe fails as bridge-input-drop expects; asked for, the finding says where it died.
    const { findings, journeys } = await analyseFixture('bridge-input-drop', {
      expect: (def) => ({ ...def, diagnosis: { 'swallowed-by-node': true } }),
    });
    const syn = journeys[0]?.journeys[0];
    expect(syn?.fate).toMatchObject({ kind: 'swallowed', node: 'gateway' });
    expect(syn?.lastSeen).toBe('entered gateway eth0, never left gateway');
    expect(rules(findings)).toEqual(['swallowed-by-node']);
    expect(findings[0]?.summary).toMatch(
      /addressed to gateway's own 10\.1\.1\.1 and came in through eth0, a port of gateway's bridge br0, and gateway never answered it/,
    );
  });
});
