// Every catalog scenario, run for real in namespaces, reproduces what the seed texts describe.
//
//   remote 198.51.100.10 ── isp ── wan0 203.0.113.1 router lan0 192.168.1.1 ── lan switch
//                                                           server 192.168.1.2 ─┤
//                                                           client 192.168.1.10 ┘

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRewrites, endpointText, rewritesByHop } from '../../src/analyse/journey-text.ts';
import { nodeOf } from '../../src/analyse/journeys.ts';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { describeLab, namespacesOf, processesMentioning } from '../support/lab.ts';
import { readPcap } from '../support/read-pcap.ts';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'natlab-catalog-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

async function run(name: string): Promise<ScenarioResult> {
  const result = await runScenario({ scenario: await loadScenario(name), outDir: join(out, name) });
  // Nothing of the run may survive it.
  expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  expect(await processesMentioning(result.runId ?? '')).toEqual([]);
  expect(await processesMentioning(join(out, name))).toEqual([]);
  return result;
}

const probe = (result: ScenarioResult, name: string) => result.probes.find((p) => p.name === name);

describeLab('catalog scenarios on the real kernel', () => {
  it('hairpin-broken: remote connects, the LAN client is answered from 192.168.1.2 and resets', async () => {
    const result = await run('hairpin-broken');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(probe(result, 'remote')).toMatchObject({ ok: true, serverSaw: '198.51.100.10' });
    expect(probe(result, 'lan-client')).toMatchObject({ ok: false, to: '203.0.113.1:80' });
    // The narrative of the acceptance: SYN to the public address, DNAT with the source unchanged,
    // SYN-ACK straight from the server, RST.
    const lan = probe(result, 'lan-client');
    const story = lan?.journeys.map((j) => ({
      kind: j.kind,
      sent: `${j.sent.src.address} → ${endpointText(j.sent.dst)}`,
      rewrites: rewritesByHop(j).map((r) => describeRewrites(r)),
      nodes: [...new Set(j.hops.map((h) => nodeOf(h.point)))],
      lastSeen: j.lastSeen,
    }));
    expect(story).toEqual([
      {
        kind: 'SYN',
        sent: '192.168.1.10 → 203.0.113.1:80',
        rewrites: ['router: DNAT dst 203.0.113.1:80 → 192.168.1.2:80 (source unchanged)'],
        nodes: ['client', 'lan', 'router', 'server'],
        lastSeen: 'delivered to server',
      },
      {
        kind: 'SYN-ACK',
        sent: `192.168.1.2 → 192.168.1.10:${lan?.journeys[0]?.sent.src.port}`,
        rewrites: [],
        nodes: ['server', 'lan', 'client'],
        lastSeen: 'delivered to client',
      },
      {
        kind: 'RST',
        sent: '192.168.1.10 → 192.168.1.2:80',
        rewrites: [],
        nodes: ['client', 'lan', 'server'],
        lastSeen: 'delivered to server',
      },
    ]);
    expect(lan?.connections.map((c) => c.summary)).toEqual(['SYN, SYN-ACK, RST']);
    for (const capture of result.captures) {
      expect((await stat(capture.file)).size).toBeGreaterThan(24);
      expect(capture.file.startsWith(join(out, 'hairpin-broken'))).toBe(true);
    }
    expect(result.captures.find((c) => c.node === 'client')?.packets).toBeGreaterThan(0);
    // The kernel's side: the hairpin entry never saw a reply, and the counters say which rule fired.
    const ids = result.checks.map((c) => c.id);
    expect(ids.filter((id) => /^(conntrack|counter):/.test(id))).toHaveLength(3);
    expect(ids.at(-1)).toBe('kernel-health');
    const router = result.kernelState.find((k) => k.node === 'router');
    expect(router?.entries.find((e) => e.state === 'SYN_SENT')).toMatchObject({
      proto: 'tcp',
      status: ['UNREPLIED'],
      orig: { src: '192.168.1.10', dst: '203.0.113.1', dport: 80 },
      reply: { src: '192.168.1.2', dst: '192.168.1.10', sport: 80 },
      related: false,
    });
    expect(router?.counters.map((c) => [c.key, c.packets])).toEqual([
      ['iptables nat/PREROUTING#1', 2],
      ['iptables nat/POSTROUTING#1', 0],
    ]);
    expect(result.kernelHealth).toMatchObject({ splats: [] });
  });

  it('hairpin-masquerade: both connect and the server sees the router for the LAN client', async () => {
    const result = await run('hairpin-masquerade');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(probe(result, 'lan-client')).toMatchObject({ ok: true, serverSaw: '192.168.1.1' });
    expect(probe(result, 'remote')).toMatchObject({ ok: true, serverSaw: '198.51.100.10' });
    // Both rewrites at the router in the SYN's journey, and nothing to diagnose.
    const syn = probe(result, 'lan-client')?.journeys[0];
    expect(syn?.rewrites.map((r) => `${r.node} ${r.nat} ${endpointText(r.to)}`)).toEqual([
      'router DNAT 192.168.1.2:80',
      `router SNAT 192.168.1.1:${syn?.sent.src.port}`,
    ]);
    expect(result.diagnosis).toEqual([]);
    // The kernel's side: the LAN connection NATed both ways, and which rules matched.
    const router = result.kernelState.find((k) => k.node === 'router');
    expect(
      router?.conntrack.some((flow) =>
        /src=192\.168\.1\.10 dst=203\.0\.113\.1 .* src=192\.168\.1\.2 dst=192\.168\.1\.1 /.test(
          flow,
        ),
      ),
    ).toBe(true);
    const matched = (pattern: RegExp) =>
      router?.counters.find((c) => pattern.test(c.rule))?.packets;
    expect(matched(/-j DNAT/)).toBe(2);
    expect(matched(/-o lan0 .*-j MASQUERADE/)).toBe(1);
    expect(matched(/-o wan0 -j MASQUERADE/)).toBe(0);
  });

  it('hairpin-snat-public: the server sees the public address 203.0.113.1', async () => {
    const result = await run('hairpin-snat-public');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(probe(result, 'lan-client')).toMatchObject({ ok: true, serverSaw: '203.0.113.1' });
    // The counted flows say what they counted.
    const detail = (start: string) => result.checks.find((c) => c.name.startsWith(start))?.detail;
    expect(detail('server:eth0 answers')).toMatch(
      /^1 packet at server:eth0 during lan-client, as expected \(exactly 1 packet\)/,
    );
    expect(detail('router:lan0 gets one echo request')).toMatch(/^1 packet at router:lan0/);
    expect(detail('client:eth0 gets the echo reply')).toMatch(
      /^1 packet \(84 bytes\) at client:eth0/,
    );
  });

  it('dmz-subnet: no hairpin rule, the server sees the real client 192.168.1.10', async () => {
    const result = await run('dmz-subnet');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(probe(result, 'lan-client')).toMatchObject({ ok: true, serverSaw: '192.168.1.10' });
  });

  it('hairpin-nft: the nft ruleset gives the same result as hairpin-masquerade', async () => {
    const result = await run('hairpin-nft');
    expect(result.verdict).toBe('pass');
    expect(probe(result, 'lan-client')).toMatchObject({ ok: true, serverSaw: '192.168.1.1' });
    expect(result.rulesets.find((r) => r.node === 'router')?.dump).toMatch(/masquerade/);
  });

  it('pmtu-through-masquerade: frag-needed from the isp comes back RELATED, de-NATed to the client', async () => {
    const result = await run('pmtu-through-masquerade');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(probe(result, 'fits')).toMatchObject({ ok: true, replies: { received: 2, sent: 2 } });
    expect(probe(result, 'too-big')).toMatchObject({
      ok: false,
      replies: { received: 0, sent: 1 },
      error: expect.stringContaining(
        'From 203.0.113.254 icmp_seq=1 Frag needed and DF set (mtu = 1400)',
      ),
    });
    // The client learned the path MTU: the second too-big ping is refused before it leaves.
    expect(probe(result, 'too-big-again')?.error).toMatch(/message too long, mtu=1400/);
    // The echo stops at the isp; its error goes to the public address and on to the client.
    const [echo, fragNeeded, relayed] = probe(result, 'too-big')?.journeys ?? [];
    expect(echo?.lastSeen).toMatch(/never left isp/);
    expect(fragNeeded?.sent).toMatchObject({ dst: { address: '203.0.113.1' } });
    expect(relayed?.lastSeen).toBe('delivered to client');
  });

  it('udp-port-forward-hairpin: UDP is forwarded and hairpinned, TCP connects and is refused', async () => {
    const result = await run('udp-port-forward-hairpin');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(probe(result, 'remote')).toMatchObject({
      ok: true,
      to: '203.0.113.1:51820',
      serverSaw: '198.51.100.10',
    });
    expect(probe(result, 'lan-client')).toMatchObject({ ok: true, serverSaw: '192.168.1.1' });
    // The datagram DNATed and masqueraded at the router; the reply de-NATed both ways.
    const [datagram, reply] = probe(result, 'lan-client')?.journeys ?? [];
    expect(datagram?.proto).toBe('udp');
    expect(datagram?.rewrites.map((r) => `${r.node} ${r.nat} ${endpointText(r.to)}`)).toEqual([
      'router DNAT 192.168.1.2:51820',
      `router SNAT 192.168.1.1:${datagram?.sent.src.port}`,
    ]);
    expect(reply?.lastSeen).toBe('delivered to client');
    expect(probe(result, 'remote-unforwarded')).toMatchObject({
      ok: false,
      error: 'port unreachable (refused)',
    });
    expect(probe(result, 'lan-tcp')).toMatchObject({ ok: true, serverSaw: '192.168.1.10' });
    expect(probe(result, 'lan-tcp-closed')).toMatchObject({
      ok: false,
      error: 'connection refused',
    });
    const router = result.kernelState.find((k) => k.node === 'router');
    expect(
      router?.conntrack.some((flow) =>
        /^(ipv4 +2 +)?udp .*src=192\.168\.1\.10 dst=203\.0\.113\.1 .* src=192\.168\.1\.2 dst=192\.168\.1\.1 /.test(
          flow,
        ),
      ),
    ).toBe(true);
  });
  it('macvlan-arp-flux: eth0 and its macvlan both answer ARP for the macvlan address until arp_ignore=1', async () => {
    const result = await run('macvlan-arp-flux');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.verdict).toBe('pass');
    const replies = (
      await readPcap(join(out, 'macvlan-arp-flux', 'client-eth0.pcap'), 'client:eth0')
    )
      .filter((p) => p.arp && p.arp.senderIp !== '192.168.1.10')
      .map((p) => `${p.arp?.senderIp} ${p.srcMac}`);
    // Two answers for .5 from two MACs; one for .6, from the macvlan's MAC.
    const [first, second, third] = replies;
    expect(replies).toHaveLength(3);
    expect(first?.split(' ')[0]).toBe('192.168.1.5');
    expect(second?.split(' ')[0]).toBe('192.168.1.5');
    expect(first?.split(' ')[1]).not.toBe(second?.split(' ')[1]);
    expect(third?.split(' ')[0]).toBe('192.168.1.6');
    expect([first, second].map((r) => r?.split(' ')[1])).toContain(third?.split(' ')[1]);
  });

  it('ipv6-nat-hairpin-broken: NAT66 without hairpin SNAT fails as IPv4 does, diagnosed alike', async () => {
    const result = await run('ipv6-nat-hairpin-broken');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(probe(result, 'remote')).toMatchObject({ ok: true, serverSaw: '2001:db8:100::10' });
    const lan = probe(result, 'lan-client');
    expect(lan).toMatchObject({ ok: false, to: '[2001:db8:203::1]:80' });
    // No neighbour discovery or MLD among the journeys; the router's redirect is one.
    expect(
      lan?.journeys.map((j) => [j.kind, rewritesByHop(j).map((r) => describeRewrites(r))]),
    ).toEqual([
      ['SYN', ['router: DNAT dst [2001:db8:203::1]:80 → [fd00:1::2]:80 (source unchanged)']],
      ['ICMPv6 redirect', []],
      ['SYN-ACK', []],
      ['RST', []],
    ]);
    expect(result.diagnosis.map((f) => [f.rule, f.probe])).toEqual([
      ['asymmetric-reply', 'lan-client'],
    ]);
    const router = result.kernelState.find((k) => k.node === 'router');
    expect(router?.entries.every((e) => e.family === 'ipv6')).toBe(true);
    expect(router?.counters.map((c) => [c.key, c.packets])).toEqual([
      ['ip6tables nat/PREROUTING#1', 2],
      ['ip6tables nat/PREROUTING#2', 0],
      ['ip6tables nat/PREROUTING#3', 0],
      ['ip6tables nat/POSTROUTING#1', 0],
    ]);
  });

  it('ipv6-nat-hairpin: the masquerade fix, every probe kind over IPv6 seeing the router', async () => {
    const result = await run('ipv6-nat-hairpin');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.verdict).toBe('pass');
    for (const kind of ['http', 'udp', 'tcp']) {
      expect(probe(result, `remote-${kind}`)).toMatchObject({
        ok: true,
        serverSaw: '2001:db8:100::10',
      });
      expect(probe(result, `lan-${kind}`)).toMatchObject({ ok: true, serverSaw: 'fd00:1::1' });
    }
    expect(probe(result, 'remote-ping-1280')).toMatchObject({
      ok: true,
      replies: { received: 1, sent: 1 },
    });
    const syn = probe(result, 'lan-http')?.journeys[0];
    expect(syn?.rewrites.map((r) => `${r.node} ${r.nat} ${endpointText(r.to)}`)).toEqual([
      'router DNAT [fd00:1::2]:80',
      `router SNAT [fd00:1::1]:${syn?.sent.src.port}`,
    ]);
    expect(result.diagnosis).toEqual([]);
  });

  it('dnat-sticks-to-conntrack: a replaced DNAT rule moves the flow only once conntrack is flushed', async () => {
    const result = await run('dnat-sticks-to-conntrack');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(result.steps?.map((s) => [s.name, s.changes])).toEqual([
      ['dnat-moved', ['router: rulesets replaced (iptables)']],
      ['conntrack-flushed', ['router: conntrack flushed']],
    ]);
    // The same flow each time (port 40000), DNATed to the old server until the flush.
    const servers = ['first', 'same-flow', 'new-flow'].map((name) => {
      const [datagram] = probe(result, name)?.journeys ?? [];
      return `${datagram?.sent.src.port} → ${datagram?.rewrites.map((r) => endpointText(r.to)).join()}`;
    });
    expect(servers).toEqual([
      '40000 → 192.168.1.2:5000',
      '40000 → 192.168.1.2:5000',
      '40000 → 192.168.1.3:5000',
    ]);
    expect(probe(result, 'same-flow')).toMatchObject({ step: 'dnat-moved', ok: true });
  });
  it('forward-policy-drop: the policy DROP and the REJECT rule are each named from their counters', async () => {
    const result = await run('forward-policy-drop');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(probe(result, 'lan-ping')).toMatchObject({ ok: true });
    expect(probe(result, 'lan-telnet')).toMatchObject({ ok: false, error: 'connection refused' });
    const said = Object.fromEntries(result.diagnosis.map((f) => [f.probe, f.summary]));
    expect(said['lan-web']).toMatch(/`filter FORWARD` policy DROP counted 1 packet\(s\)\.$/);
    expect(said['lan-telnet']).toMatch(
      /dropped by `filter FORWARD` rule 3 \(`-A FORWARD .*--dport 23 -j REJECT --reject-with tcp-reset`\) on router, which counted 1 packet\(s\)\.$/,
    );
    const router = result.kernelState.find((k) => k.node === 'router');
    expect(router?.policies.find((p) => p.key === 'iptables filter/FORWARD')).toMatchObject({
      policy: 'drop',
      packets: 1,
    });
  });

  it('forward-dnat-accept: the port forward passes a default-drop filter that accepts DNATed connections', async () => {
    const result = await run('forward-dnat-accept');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(probe(result, 'remote')).toMatchObject({ ok: true, serverSaw: '198.51.100.10' });
    expect(result.diagnosis).toEqual([]);
  });
});
