// evaluateChecks on real captures, recorded by scripts/record-capture-fixture.ts and replayed through
// the run's own tail (analyseCaptures): the checks a recording gave, and the same traffic judged
// against other expectations.

import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { PacketMatch, ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { analyseFixture, expectHairpinFixed } from '../support/fixture-result.ts';

const FIXTURES = await readdir('test/fixtures/captures');

describe('evaluateChecks on recorded captures', () => {
  it.each(FIXTURES)(
    '%s: the replay gives the checks and verdict the run recorded',
    async (name) => {
      const { run, checks, verdict } = await analyseFixture(name);
      expect(checks.map((c) => [c.name, c.ok])).toEqual(run.checks.map((c) => [c.name, c.ok]));
      expect(verdict).toBe(run.verdict);
      // Flow and diagnosis details come from the packets alone, so they replay word for word (a
      // probe's come from curl and its time, which a recording keeps only in part).
      const byPackets = (list: readonly { detail: string }[]) =>
        list.flatMap((c, i) => (/^(flow|diagnosis):/.test(checks[i]?.id ?? '') ? [c.detail] : []));
      expect(byPackets(checks)).toEqual(byPackets(run.checks));
    },
  );

  it('hairpin-broken: its failure is the check that holds, and the asymmetric reply is found', async () => {
    const { checks, findings, verdict } = await analyseFixture('hairpin-broken');
    expect(verdict).toBe('pass');
    expect(checks.find((c) => c.id === 'probe:lan-client')).toMatchObject({
      ok: true,
      probe: 'lan-client',
      detail: expect.stringMatching(/^failed: curl: \(28\) Failed to connect to 203\.0\.113\.1/),
    });
    expect(findings.map((f) => f.rule)).toEqual(['asymmetric-reply']);
    expect(checks.find((c) => c.id === 'diagnosis:asymmetric-reply')?.ok).toBe(true);
  });

  it('hairpin-broken judged as if fixed: the probe check fails, and so does the asymmetric-reply check', async () => {
    const { checks, verdict } = await analyseFixture('hairpin-broken', {
      expect: expectHairpinFixed,
    });
    expect(verdict).toBe('fail');
    expect(checks.find((c) => c.id === 'probe:lan-client')).toMatchObject({
      ok: false,
      name: 'lan-client: client → 203.0.113.1:80 connects',
      detail: expect.stringMatching(/^failed: curl: \(28\)/),
    });
    expect(checks.find((c) => c.id === 'diagnosis:asymmetric-reply')).toMatchObject({
      ok: false,
      probe: 'lan-client',
      detail: expect.stringMatching(
        /^lan-client: client sent its SYN to 203\.0\.113\.1:80, but the SYN-ACK came from 192\.168\.1\.2:80, so it reset the connection/,
      ),
    });
    // The remote client is not touched by the hairpin: its checks hold either way.
    expect(checks.filter((c) => c.probe === 'remote').every((c) => c.ok)).toBe(true);
  });

  it('hairpin-masquerade: every check holds and nothing is found', async () => {
    const { checks, findings, verdict } = await analyseFixture('hairpin-masquerade');
    expect(verdict).toBe('pass');
    expect(findings).toEqual([]);
    expect(checks.map((c) => c.id)).toEqual([
      'probe:remote',
      'probe:remote:server-saw',
      'probe:lan-client',
      'probe:lan-client:server-saw',
      'flow:client-eth0-gets-its-syn-ack-from-203-0-113-1-80',
      'flow:client-eth0-never-receives-tcp-from-a-private-address',
      'flow:server-eth0-gets-the-syn-from-the-router-192-168-1-1',
      'diagnosis:asymmetric-reply',
    ]);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.find((c) => c.id === 'probe:lan-client:server-saw')?.detail).toBe(
      'the server reported client address 192.168.1.1',
    );
  });

  it('hairpin-masquerade judged as if broken: no asymmetric reply to find', async () => {
    const { checks } = await analyseFixture('hairpin-masquerade', {
      expect: (def) => ({ ...def, diagnosis: { 'asymmetric-reply': true } }),
    });
    expect(checks.find((c) => c.id === 'diagnosis:asymmetric-reply')).toMatchObject({
      ok: false,
      detail: 'no asymmetric-reply finding',
    });
  });

  it('hairpin-broken counted: one SYN-ACK from the private address, MACs and bytes as recorded', async () => {
    const synAck: PacketMatch = {
      direction: 'in',
      src: '192.168.1.2',
      sport: 80,
      tcp: { syn: true, ack: true },
    };
    const counted = async (flows: ScenarioDef['flows']) => {
      const { checks, plan } = await analyseFixture('hairpin-broken', {
        expect: (def) => ({ ...def, flows }),
      });
      return { checks: checks.filter((c) => c.id.startsWith('flow:')), plan };
    };
    const { plan } = await counted([]);
    const mac = (node: string) => plan.nodes.find((n) => n.name === node)?.interfaces[0]?.mac;
    const at = 'client:eth0';
    const during = 'lan-client';
    const { checks } = await counted([
      { at, during, match: { ...synAck, srcMac: mac('server') }, count: { exactly: 1 } },
      { at, during, match: { ...synAck, ethertype: 0x0800, vlan: 1 }, expect: 'absent' },
      { at, during, match: synAck, count: { atLeast: 2 } },
      { at, during, match: { proto: 'tcp', direction: 'out' }, bytes: { atMost: 60 } },
    ]);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      [
        'client:eth0 sees exactly 1 packet of arriving from 192.168.1.2:80 SYN+ACK from MAC ' +
          mac('server'),
        true,
      ],
      ['client:eth0 never sees arriving from 192.168.1.2:80 SYN+ACK ethertype 0x0800 vlan 1', true],
      ['client:eth0 sees at least 2 packets of arriving from 192.168.1.2:80 SYN+ACK', false],
      ['client:eth0 sees at most 60 bytes of leaving tcp', false],
    ]);
    expect(checks[2]?.detail).toMatch(
      /^1 packet at client:eth0 during lan-client, expected at least 2 packets; first: frame \d+, /,
    );
    // The SYN (60 bytes with its options) and the RST (40): what was counted is said.
    expect(checks[3]?.detail).toMatch(
      /^2 packets \(100 bytes\) at client:eth0 during lan-client, expected at most 60 bytes/,
    );
  });

  it('a storm expected where none happened fails its check', async () => {
    const { checks } = await analyseFixture('hairpin-masquerade', {
      expect: (def) => ({ ...def, diagnosis: { storm: true } }),
    });
    expect(checks.find((c) => c.id === 'diagnosis:storm')).toMatchObject({
      ok: false,
      detail: 'no storm finding',
    });
  });
});
