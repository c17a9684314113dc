// Every catalog scenario, run for real in namespaces, reproduces what the seed texts describe.
//
//   remote 198.51.100.10 ── isp ── wan0 203.0.113.1 router lan0 192.168.1.1 ── lan switch
//                                                           server 192.168.1.2 ─┤
//                                                           client 192.168.1.10 ┘

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { describeLab, namespacesOf, processesMentioning } from '../support/lab.ts';

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
    const story = probe(result, 'lan-client')?.trace.map(
      (s) => `${s.kind} ${s.addresses.replace(/:\d{4,5}/g, ':*')}`,
    );
    expect(story).toEqual([
      'SYN 192.168.1.10:* → 203.0.113.1:80',
      'SYN 192.168.1.10:* → 192.168.1.2:80',
      'SYN-ACK 192.168.1.2:80 → 192.168.1.10:*',
      'RST 192.168.1.10:* → 192.168.1.2:80',
    ]);
    for (const capture of result.captures) {
      expect((await stat(capture.file)).size).toBeGreaterThan(24);
      expect(capture.file.startsWith(join(out, 'hairpin-broken'))).toBe(true);
    }
    expect(result.captures.find((c) => c.node === 'client')?.packets).toBeGreaterThan(0);
  });

  it('hairpin-masquerade: both connect and the server sees the router for the LAN client', async () => {
    const result = await run('hairpin-masquerade');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(probe(result, 'lan-client')).toMatchObject({ ok: true, serverSaw: '192.168.1.1' });
    expect(probe(result, 'remote')).toMatchObject({ ok: true, serverSaw: '198.51.100.10' });
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
});
