// Seed 003's alternatives to hairpin NAT, on the real kernel, and the comparison table.
//
//   remote ── isp ── router ── lan switch ── server, client   (the catalog topology)

import { expect, it } from 'vitest';
import { compare } from '../../src/cli/compare-command.ts';
import type { ComparisonRow } from '../../src/report/comparison.ts';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { fakeIo } from '../support/fake-io.ts';
import { describeLab, namespacesOf, runCliWithout } from '../support/lab.ts';

async function run(name: string): Promise<ScenarioResult> {
  const result = await runScenario({ scenario: await loadScenario(name) });
  expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  return result;
}

const probe = (result: ScenarioResult, name: string) => result.probes.find((p) => p.name === name);

describeLab('alternatives to hairpin NAT on the real kernel', () => {
  it('split-horizon-dns: LAN clients resolve to 192.168.1.2, the server sees 192.168.1.10', async () => {
    const result = await run('split-horizon-dns');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(probe(result, 'lan-client')).toMatchObject({
      ok: true,
      to: 'www.example.test:80',
      serverSaw: '192.168.1.10',
    });
  });

  it('ipv6-direct: no NAT, the server sees both clients by their own IPv6 addresses', async () => {
    const result = await run('ipv6-direct');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(probe(result, 'remote')?.serverSaw).toBe('2001:db8:100::10');
    expect(
      probe(result, 'lan-client')?.journeys.some((j) => j.sent.dst.address === '2001:db8:1::2'),
    ).toBe(true);
  });

  it('server-public-alias: the LAN client reaches 203.0.113.1 at the server itself', async () => {
    const result = await run('server-public-alias');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(probe(result, 'lan-client')?.serverSaw).toBe('192.168.1.10');
  });

  it('compare: one table, measured from the captures', async () => {
    const { out, io } = fakeIo();
    const code = await compare(
      ['hairpin-masquerade', 'split-horizon-dns', 'ipv6-direct', '--json'],
      io,
    );
    expect(code).toBe(0);
    const rows = JSON.parse(out.stdout) as ComparisonRow[];
    expect(rows.map((r) => [r.scenario, r.worksFromLan, r.serverSees, r.extraRoundTrips])).toEqual([
      ['hairpin-masquerade', true, '192.168.1.1', 0],
      ['split-horizon-dns', true, '192.168.1.10', 1],
      ['ipv6-direct', true, '2001:db8:1::10', 0],
    ]);
    // Every packet of the hairpinned request crosses the router; none of the direct ones do.
    expect(rows[0]?.packetsThroughRouter).toBeGreaterThanOrEqual(6);
    expect(rows[1]?.packetsThroughRouter).toBe(0);
    expect(rows[2]?.packetsThroughRouter).toBe(0);
  });

  it('split-horizon-dns is skipped (exit 4), never failed, when dnsmasq is missing', async () => {
    const cli = await runCliWithout('dnsmasq', ['split-horizon-dns', '--json']);
    expect(cli.exitCode).toBe(4);
    const result = JSON.parse(String(cli.stdout)) as ScenarioResult;
    expect(result.verdict).toBe('skip');
    expect(result.reason).toMatch(/missing tools: dnsmasq|needs dnsmasq/);
    expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  });
});
