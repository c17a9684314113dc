// `natlab run DIR --jobs 3` on the real kernel: six scenarios, three at a time, give the verdicts
// that single runs give, the exit code is the worst of them, and no run leaves anything behind.

import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compare } from '../../src/cli/compare-command.ts';
import { EXIT, main } from '../../src/cli/main.ts';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { LEDGER_DIR } from '../../src/system/run-ledger.ts';
import { fakeIo } from '../support/fake-io.ts';
import { describeLab, namespacesOf, processesMentioning } from '../support/lab.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SUITE = 'test/fixtures/run-many';
const NAMES = [
  'bridge-nat-broute',
  'dmz-subnet',
  'hairpin-broken',
  'hairpin-masquerade',
  'hairpin-unfixed',
  'rejected-ruleset',
];

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'natlab-run-many-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

async function nothingLeftBy(runId: string | undefined, dir: string): Promise<void> {
  expect(runId).toMatch(/^[0-9a-f]{6}$/);
  expect(await namespacesOf(runId ?? '')).toEqual([]);
  await expect(access(join(LEDGER_DIR, runId ?? ''))).rejects.toThrow();
  expect(await processesMentioning(dir)).toEqual([]);
}

describeLab('natlab run over a directory, --jobs 3', () => {
  it('gives every verdict single runs give, exits with the worst, and leaves nothing', async () => {
    const single = new Map<string, { verdict: string; code: number }>();
    for (const name of NAMES) {
      const { out: text, io } = fakeIo();
      const code = await main(
        [join(SUITE, `${name}.ts`), '--json', '--out', join(out, 'single', name)],
        io,
      );
      const result = JSON.parse(text.stdout) as ScenarioResult;
      single.set(name, { verdict: result.verdict, code });
      if (result.runId) await nothingLeftBy(result.runId, join(out, 'single', name));
    }
    // The suite covers each verdict natlab has; broute passes or skips by the machine.
    expect(single.get('hairpin-broken')).toEqual({ verdict: 'pass', code: EXIT.pass });
    expect(single.get('hairpin-unfixed')).toEqual({ verdict: 'fail', code: EXIT.fail });
    expect(single.get('rejected-ruleset')).toEqual({ verdict: 'error', code: EXIT.error });
    expect(['pass', 'skip']).toContain(single.get('bridge-nat-broute')?.verdict);

    const dir = join(out, 'many');
    const run = await execa(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        SUITE,
        '--jobs',
        '3',
        '--json',
        '--out',
        dir,
        '--junit',
        join(dir, 'junit.xml'),
      ],
      { cwd: ROOT, reject: false, timeout: 240_000 },
    );
    expect(run.exitCode).toBe(EXIT.error);
    const many = JSON.parse(String(run.stdout)) as {
      verdict: string;
      durationMs: number;
      outDir: string;
      scenarios: ScenarioResult[];
    };
    expect(many.verdict).toBe('error');
    expect(many.outDir).toBe(dir);
    expect(many.scenarios.map((r) => r.scenario)).toEqual(NAMES);
    for (const result of many.scenarios) {
      expect(result.verdict, result.scenario).toBe(single.get(result.scenario)?.verdict);
      await nothingLeftBy(result.runId, dir);
    }
    // They overlapped: the runs' own times add up to well over the whole call's.
    const busy = many.scenarios.reduce((ms, r) => ms + r.durationMs, 0);
    expect(busy).toBeGreaterThan(many.durationMs * 1.5);
    expect(String(run.stderr)).toMatch(/natlab: 6 scenarios, 3 at a time/);
    expect(String(run.stderr)).toMatch(/\[6\/6\] /);
    const passed = many.scenarios.find((r) => r.scenario === 'hairpin-broken');
    await access(join(passed?.outDir ?? '', 'report.html'));
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(junit.match(/<testsuite /g)).toHaveLength(6);
    expect(junit).toContain('<testsuite name="rejected-ruleset" tests="1" failures="0" errors="1"');
    expect(junit).toMatch(/<failure message="[^"]*">[^<]*asymmetric-reply/);
  }, 400_000);

  it('compare --scenarios DIR measures the named scenarios of that directory', async () => {
    const { out: text, io } = fakeIo();
    const code = await compare(
      ['--scenarios', SUITE, 'hairpin-unfixed', 'hairpin-masquerade', '--json'],
      io,
    );
    expect(code).toBe(0);
    const rows = JSON.parse(text.stdout) as { scenario: string; worksFromLan?: boolean }[];
    expect(rows.map((r) => [r.scenario, r.worksFromLan])).toEqual([
      ['hairpin-unfixed', false],
      ['hairpin-masquerade', true],
    ]);
  }, 120_000);
});
