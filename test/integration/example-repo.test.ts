// The proof that natlab works from a firewall author's own repository: natlab packed with
// `npm pack`, installed from that tarball into a temporary copy of examples/small-office, and the
// example's vitest suite run for real, as vitest's shards 1/3, 2/3 and 3/3. Every scenario must
// run in exactly one shard; the NAS forward (no hairpin rule) must fail, naming the asymmetric
// reply, and the others pass. With the hairpin rule added, `npm test` passes whole.

import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab, namespacesOf, processesMentioning } from '../support/lab.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/small-office');
const SCENARIOS = ['lan-direct', 'nas-forward', 'outbound', 'web-forward'];
const SHARDS = 3;

/** The environment of a user's shell: none of this test run's own vitest variables. */
const userEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(VITEST|TEST|NODE_ENV|NODE_OPTIONS)/.test(key)),
);

interface VitestReport {
  testResults: {
    name: string;
    assertionResults: {
      ancestorTitles: string[];
      title: string;
      status: string;
      failureMessages: string[];
    }[];
  }[];
}

describeLab('the small-office example, with natlab installed from its npm pack tarball', () => {
  let tmp = '';
  let repo = '';
  const runIds: string[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'natlab-example-'));
    repo = join(tmp, 'small-office');
    // dist/ as the test run has it (built when stale), never rebuilt under other running tests:
    // npm pack's own prepack build would swap it.
    await execa('bash', ['scripts/build.sh', '--if-stale'], { cwd: ROOT, timeout: 300_000 });
    const packed = await execa(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp],
      { cwd: ROOT, timeout: 300_000 },
    );
    const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [
      { filename: string },
    ];
    await cp(EXAMPLE, repo, {
      recursive: true,
      filter: (src) => !/\/(node_modules|test-results|vendor)$/.test(src),
    });
    await mkdir(join(repo, 'vendor'));
    await rename(join(tmp, filename), join(repo, 'vendor/natlab.tgz'));
    // The registry is reachable; the npm cache (natlab's own install filled it) saves the trip.
    await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: repo,
      env: userEnv,
      extendEnv: false,
      timeout: 300_000,
    });
  }, 620_000);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** One vitest run in the example, as its user types it; the JSON report kept aside. */
  async function vitest(args: string[], report: string) {
    const run = await execa('npx', ['vitest', 'run', ...args, `--outputFile.json=${report}`], {
      cwd: repo,
      env: { ...userEnv, CI: 'true' },
      extendEnv: false,
      all: true,
      reject: false,
      timeout: 300_000,
    });
    const text = await readFile(report, 'utf8').catch(() => {
      throw new Error(`vitest wrote no report (exit ${run.exitCode}):\n${run.all ?? run.stderr}`);
    });
    const json = JSON.parse(text) as VitestReport;
    for (const scenario of SCENARIOS) {
      const result = await readFile(
        join(repo, 'test-results/natlab', scenario, 'result.json'),
        'utf8',
      )
        .then((text) => JSON.parse(text) as { runId: string })
        .catch(() => undefined);
      if (result && !runIds.includes(result.runId)) runIds.push(result.runId);
    }
    return { run, tests: json.testResults.flatMap((file) => file.assertionResults) };
  }

  it('runs every scenario in exactly one shard; the NAS forward fails on the asymmetric reply', async () => {
    const ran: string[] = [];
    const tests: Awaited<ReturnType<typeof vitest>>['tests'] = [];
    for (let shard = 1; shard <= SHARDS; shard++) {
      const report = join(tmp, `shard-${shard}.json`);
      const { run, tests: mine } = await vitest(
        [`--shard=${shard}/${SHARDS}`, '--reporter=json'],
        report,
      );
      const scenarios = mine.filter((t) => t.title === 'runs').map((t) => t.ancestorTitles[0]);
      // A shard holding the NAS forward fails (exit 1); the others pass.
      expect(run.exitCode, run.stderr).toBe(scenarios.includes('nas-forward') ? 1 : 0);
      ran.push(...(scenarios as string[]));
      tests.push(...mine);
    }
    expect(ran.sort()).toEqual(SCENARIOS);

    const of = (scenario: string) => tests.filter((t) => t.ancestorTitles[0] === scenario);
    for (const scenario of ['outbound', 'web-forward', 'lan-direct']) {
      expect(of(scenario).length).toBeGreaterThan(2);
      for (const t of of(scenario))
        expect(`${scenario} > ${t.title}: ${t.status}`).toMatch(/passed$/);
    }

    const nas = of('nas-forward');
    const failed = nas.filter((t) => t.status === 'failed').map((t) => t.title);
    expect(failed).toContain('desk: desk → 192.0.2.2:8080 connects');
    expect(failed).toContain('desk: server saw 10.20.0.1');
    expect(
      nas.find((t) => t.title === 'internet: internet → 192.0.2.2:8080 connects')?.status,
    ).toBe('passed');
    const message = nas.find((t) => t.title === 'desk: desk → 192.0.2.2:8080 connects')
      ?.failureMessages[0];
    expect(message).toMatch(/\[asymmetric-reply\] desk: desk sent its SYN to 192\.0\.2\.2:8080/);
    expect(message).toMatch(/Probe desk: desk → 192\.0\.2\.2:8080 \(expected to connect\)/);
    expect(message).toMatch(/^ +desk +gw +nas$/m);
    expect(message).toContain(
      `report: ${join(repo, 'test-results/natlab/nas-forward/report.html')}`,
    );
    expect(await readdir(join(repo, 'test-results/natlab/nas-forward'))).toContain('report.html');
  }, 620_000);

  it('passes whole once the NAS gets its hairpin rule', async () => {
    const rules = join(repo, 'rulesets/office.nft');
    const fixed = (await readFile(rules, 'utf8')).replace(
      /(\n\s*)(ip saddr 10\.20\.0\.0\/24 ip daddr 10\.20\.0\.20 tcp dport 80 oifname "lan0" masquerade)/,
      '$1$2$1ip saddr 10.20.0.0/24 ip daddr 10.20.0.30 tcp dport 80 oifname "lan0" masquerade',
    );
    expect(fixed).toContain('10.20.0.30 tcp dport 80 oifname "lan0" masquerade');
    await writeFile(rules, fixed);
    const { run, tests } = await vitest(['--reporter=json'], join(tmp, 'fixed.json'));
    expect(run.exitCode, run.stdout).toBe(0);
    expect(tests.filter((t) => t.title === 'runs')).toHaveLength(SCENARIOS.length);
    expect(tests.every((t) => t.status === 'passed')).toBe(true);
  }, 620_000);

  it('leaves no namespace and no process of its runs', async () => {
    expect(runIds.length).toBeGreaterThanOrEqual(SCENARIOS.length);
    for (const id of runIds) expect(await namespacesOf(id)).toEqual([]);
    expect(await processesMentioning(tmp)).toEqual([]);
  });
});
