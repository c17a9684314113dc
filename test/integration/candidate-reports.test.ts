// What CI gets from `--ruleset` on the real kernel: a JUnit testsuite per candidate whose failures
// carry the diagnosis and the report's path, and a candidate written for other addresses refused
// plainly instead of failing its checks.

import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab, natlabCli } from '../support/lab.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'test/fixtures/rulesets');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'natlab-candidate-reports-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const cli = (args: string[]) => natlabCli(args, { timeout: 120_000 });

describeLab('candidate rulesets in CI reports', () => {
  it('--junit with --ruleset writes a timed testsuite per candidate, failures with diagnosis and report', async () => {
    const junit = join(dir, 'junit.xml');
    const run = await cli([
      'hairpin',
      '--ruleset',
      join(FIXTURES, 'mikrotik-broken.rsc'),
      '--ruleset',
      join(FIXTURES, 'mikrotik-fixed.rsc'),
      '--out',
      join(dir, 'out'),
      '--junit',
      junit,
    ]);
    expect(run.exitCode).toBe(0);
    const xml = await readFile(junit, 'utf8');
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toMatch(
      /<testsuite name="hairpin \[1 mikrotik-broken\.rsc\]" tests="7" failures="3"/,
    );
    expect(xml).toMatch(
      /<testsuite name="hairpin \[2 mikrotik-fixed\.rsc\]" tests="7" failures="0"/,
    );
    for (const testcase of xml.match(/<testcase [^>]*>/g) ?? []) {
      expect(testcase).toMatch(/ time="\d+\.\d{3}"/);
    }
    const failure = /<failure message="[^"]*">([^<]*)<\/failure>/.exec(xml)?.[1] ?? '';
    expect(failure).toMatch(/diagnosis \(asymmetric-reply\): lan-client: client sent its SYN/);
    const report = /report: (\S+report\.html)/.exec(failure)?.[1] ?? '';
    expect(report.startsWith(join(dir, 'out', '1-mikrotik-broken.rsc'))).toBe(true);
    await access(report);
  });

  it('a candidate for other addresses is not run, and says which addresses differ', async () => {
    const theirs = join(dir, 'their-office.rules');
    await writeFile(
      theirs,
      [
        '*nat',
        '-A PREROUTING -d 198.51.100.7/32 -p tcp --dport 80 -j DNAT --to-destination 10.0.0.5',
        '-A POSTROUTING -o wan0 -j MASQUERADE',
        'COMMIT',
        '',
      ].join('\n'),
    );
    const run = await cli([
      'hairpin',
      '--ruleset',
      theirs,
      '--ruleset',
      join(FIXTURES, 'mikrotik-fixed.rsc'),
      '--json',
    ]);
    expect(run.exitCode).toBe(2);
    const report = JSON.parse(String(run.stdout)) as {
      candidates: { verdict: string; reason?: string; checks: unknown[] }[];
    };
    const [mismatched, fixed] = report.candidates;
    expect(mismatched?.verdict).toBe('error');
    expect(mismatched?.checks).toEqual([]);
    expect(mismatched?.reason).toMatch(
      /it forwards traffic for 198\.51\.100\.7\/32, but the scenario's router has 203\.0\.113\.1 on wan0/,
    );
    expect(mismatched?.reason).toMatch(
      /it forwards to 10\.0\.0\.5, which no node of the scenario has/,
    );
    expect(mismatched?.reason).toMatch(/portForwardLab/);
    expect(fixed?.verdict).toBe('pass');
  });

  it("portForwardLab on the user's own addresses: their ruleset passes, the one without hairpin NAT fails for that", async () => {
    const lab = join(ROOT, 'test/fixtures/port-forward/office-https.ts');
    const own = await cli([lab, '--json']);
    expect(own.exitCode).toBe(0);
    expect(JSON.parse(String(own.stdout))).toMatchObject({ verdict: 'pass' });
    const run = await cli([
      lab,
      '--ruleset',
      join(ROOT, 'test/fixtures/port-forward/no-hairpin.nft'),
      '--json',
    ]);
    expect(run.exitCode).toBe(1);
    const [judged] = (
      JSON.parse(String(run.stdout)) as {
        candidates: { verdict: string; diagnosis: { rule: string; probe?: string }[] }[];
      }
    ).candidates;
    expect(judged?.verdict).toBe('fail');
    expect(judged?.diagnosis).toContainEqual(
      expect.objectContaining({ rule: 'asymmetric-reply', probe: 'lan-client-443' }),
    );
  });
});
