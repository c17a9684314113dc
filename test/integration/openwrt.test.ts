// OpenWrt firewall configs on the real kernel: as --ruleset candidates on the catalog's hairpin lab,
// and as a scenario's own ruleset. firewall4's reflection (on by default) is what makes the LAN
// client's hairpin work; without it the client's SYN meets the router itself.
//
//   remote ── isp ── router (the config, translated as firewall4 would) ── lan ── server, client

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab, natlabCli } from '../support/lab.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const RULESETS = join(ROOT, 'test/fixtures/rulesets');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'natlab-openwrt-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Report {
  candidates: {
    format: string;
    verdict: string;
    translated?: string;
    probes: { name: string; ok: boolean }[];
    diagnosis: { rule: string; probe: string }[];
  }[];
}

describeLab('OpenWrt firewall configs on the real kernel', () => {
  it('reflection on passes; reflection off, or a LAN-side DNAT without SNAT, fails the LAN probe', async () => {
    const files = [
      'openwrt-reflection.conf',
      'openwrt-no-reflection.conf',
      'openwrt-lan-dnat-no-snat.conf',
    ];
    const run = await natlabCli(
      ['hairpin', ...files.flatMap((f) => ['--ruleset', join(RULESETS, f)]), '--json'],
      { timeout: 150_000 },
    );
    const report: Report = JSON.parse(String(run.stdout || '{}'));
    const probe = (name: string) =>
      report.candidates.map((c) => c.probes.find((p) => p.name === name)?.ok);
    const findings = report.candidates.map((c) =>
      c.diagnosis.filter((d) => d.probe === 'lan-client').map((d) => d.rule),
    );
    expect(report.candidates.map((c) => [c.format, c.verdict])).toEqual([
      ['openwrt', 'pass'],
      ['openwrt', 'fail'],
      ['openwrt', 'fail'],
    ]);
    expect(probe('remote')).toEqual([true, true, true]);
    expect(probe('lan-client')).toEqual([true, false, false]);
    // Reflection off: no LAN-side DNAT at all, the router answers the SYN with a reset.
    expect(findings[1]).toContain('never-reached-server');
    // DNAT from the LAN without reflection's SNAT: the server answers the client directly.
    expect(findings[2]).toContain('asymmetric-reply');
    expect(report.candidates[0]?.translated).toContain(
      'ip saddr 192.168.1.0/24 ip daddr 192.168.1.2 tcp dport 80 counter snat ip to 192.168.1.1',
    );
  });

  it('a scenario ruleset of format openwrt is applied as firewall4 would', async () => {
    const file = join(ROOT, 'test/fixtures/openwrt-scenario/port-forward-openwrt.ts');
    const run = await natlabCli([file, '--json'], { timeout: 90_000 });
    const result = JSON.parse(String(run.stdout || '{}'));
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(result.verdict).toBe('pass');
    expect(result.rulesets[0].dump).toContain('dstnat_lan');
  });

  it('a zone whose network has no device is refused before anything is built', async () => {
    const file = join(dir, 'guest.conf');
    await writeFile(
      file,
      "config zone\n\toption name 'guest'\n\tlist network 'guest'\n\toption masq '1'\n",
    );
    const run = await natlabCli(['hairpin', '--ruleset', file]);
    expect(run.exitCode).toBe(2);
    expect(String(run.stderr)).toMatch(
      /guest\.conf: OpenWrt firewall config line 1, option network: network "guest" of zone "guest" has no device here.*--iface-map guest=IFACE/,
    );
    expect(String(run.stderr)).not.toMatch(/ build /);
  });
});
