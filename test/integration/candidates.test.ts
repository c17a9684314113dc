// Candidate rulesets judged on the neutral hairpin lab, through the CLI, on the real kernel.
//
//   remote ── isp ── router (the candidate's rules) ── lan switch ── server, client

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab, natlabCli } from '../support/lab.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'test/fixtures/rulesets');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'natlab-candidates-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const cli = (args: string[]) => natlabCli(args, { timeout: 120_000 });

interface Report {
  verdict: string;
  candidates: {
    ruleset: string;
    format: string;
    verdict: string;
    translated?: string;
    probes: { name: string; ok: boolean }[];
  }[];
}

async function judge(
  ...files: string[]
): Promise<{ exitCode?: number; report: Report; stderr: string }> {
  const run = await cli(['hairpin', ...files.flatMap((f) => ['--ruleset', f]), '--json']);
  return {
    exitCode: run.exitCode,
    report: JSON.parse(String(run.stdout || '{}')),
    stderr: String(run.stderr),
  };
}

async function candidate(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const lanOk = (report: Report) =>
  report.candidates.map((c) => c.probes.find((p) => p.name === 'lan-client')?.ok);

describeLab('candidate rulesets on the real kernel', () => {
  it('the seed rulesets: only the broken MikroTik rules fail the LAN probe', async () => {
    const { exitCode, report } = await judge(
      join(FIXTURES, 'mikrotik-broken.rsc'),
      join(FIXTURES, 'mikrotik-fixed.rsc'),
      join(FIXTURES, 'seed003-restore.rules'),
    );
    expect(exitCode).toBe(0);
    expect(report.candidates.map((c) => [c.format, c.verdict])).toEqual([
      ['routeros', 'fail'],
      ['routeros', 'pass'],
      ['iptables', 'pass'],
    ]);
    expect(lanOk(report)).toEqual([false, true, true]);
    expect(report.candidates[1]?.translated).toContain('oifname "lan0" counter masquerade');
  });

  it('the other seed fixtures get their documented verdicts', async () => {
    const { report } = await judge(
      join(FIXTURES, 'seed001.rsc'),
      join(FIXTURES, 'seed003-commands.sh'),
    );
    expect(report.candidates.map((c) => [c.format, c.verdict])).toEqual([
      ['routeros', 'fail'],
      ['iptables-commands', 'fail'],
    ]);
    // Both reach the server from the LAN; they fail on the remote side.
    expect(lanOk(report)).toEqual([true, true]);
  });

  it('translated rules keep RouterOS semantics: dst-address-type=local catches LAN traffic too, in-interface does not', async () => {
    const base =
      '/ip firewall nat\nadd chain=srcnat out-interface=WAN action=masquerade\nadd chain=srcnat src-address=192.168.1.0/24 dst-address=192.168.1.2 out-interface=LAN action=masquerade\n';
    const local = await candidate(
      'local.rsc',
      `${base}add chain=dstnat dst-address-type=local protocol=tcp dst-port=80 action=dst-nat to-addresses=192.168.1.2\n`,
    );
    const wanOnly = await candidate(
      'wan-only.rsc',
      `${base}add chain=dstnat in-interface=WAN protocol=tcp dst-port=80 action=dst-nat to-addresses=192.168.1.2\n`,
    );
    const { report } = await judge(local, wanOnly);
    expect(report.candidates.map((c) => c.verdict)).toEqual(['pass', 'fail']);
    expect(lanOk(report)).toEqual([true, false]);
  });

  it('--require-all makes one failing candidate fail the run', async () => {
    const run = await cli([
      'hairpin',
      '--ruleset',
      join(FIXTURES, 'mikrotik-broken.rsc'),
      '--ruleset',
      join(FIXTURES, 'mikrotik-fixed.rsc'),
      '--require-all',
    ]);
    expect(run.exitCode).toBe(1);
    expect(String(run.stdout)).toMatch(/1 mikrotik-broken\.rsc \(routeros\): lan-client/);
  });

  it('a file in no known format exits 2 before anything is built', async () => {
    const run = await cli([
      'hairpin',
      '--ruleset',
      await candidate('notes.txt', 'please forward port 80\n'),
    ]);
    expect(run.exitCode).toBe(2);
    expect(String(run.stderr)).toMatch(/notes\.txt: is in no format natlab knows/);
    expect(String(run.stderr)).not.toMatch(/ build /);
  });

  it('a ruleset the kernel rejects exits 2 with the tool stderr, the lab torn down', async () => {
    const run = await cli([
      'hairpin',
      '--ruleset',
      await candidate(
        'broken.nft',
        'table ip nat {\n  chain x { type nat hook prerouting priority dstnat; bogus }\n}\n',
      ),
    ]);
    expect(run.exitCode).toBe(2);
    expect(String(run.stderr)).toMatch(/failed to apply nft ruleset on router/);
    expect(String(run.stderr)).toMatch(/stderr: .*Error/);
    expect(String(run.stderr)).toMatch(/teardown .* all removed/);
  });

  it('a scenario without a NAT node takes no --ruleset', async () => {
    const run = await cli(['hairpin-broken', '--ruleset', join(FIXTURES, 'mikrotik-fixed.rsc')]);
    expect(run.exitCode).toBe(2);
    expect(String(run.stderr)).toMatch(/names no NAT node/);
  });
});
