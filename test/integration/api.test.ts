// The documented API, as an embedder calls it: runScenario on a file or a definition, with a
// candidate ruleset, writing the CLI's files on request, on the real kernel.

import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NatlabError } from '../../src/errors.ts';
import { runScenario } from '../../src/index.ts';
import { loadScenario, SCENARIOS_DIR } from '../../src/scenario/load-scenario.ts';
import { describeLab } from '../support/lab.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const RULESETS = join(ROOT, 'test/fixtures/rulesets');

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'natlab-api-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

it('refuses a name that cannot be a directory name, before anything runs', async () => {
  const { def } = await loadScenario('hairpin-broken');
  const run = runScenario({ scenario: def, name: '../escape' });
  await expect(run).rejects.toBeInstanceOf(NatlabError);
  await expect(run).rejects.toThrow(/name must be letters, digits/);
});

it('a scenario file that does not exist is bad input naming it', async () => {
  await expect(runScenario({ scenario: join(out, 'missing.ts') })).rejects.toThrow(
    /unknown scenario "missing"/,
  );
});

describeLab('runScenario on the real kernel', () => {
  it('a file path: the --json result, and with files and junit the CLI files', async () => {
    const dir = join(out, 'file');
    const junit = join(out, 'file-junit.xml');
    const result = await runScenario({
      scenario: join(SCENARIOS_DIR, 'hairpin-broken.ts'),
      outDir: dir,
      files: true,
      junit,
    });
    expect(result).toMatchObject({ scenario: 'hairpin-broken', verdict: 'pass', outDir: dir });
    expect(result.checks.length).toBeGreaterThan(0);
    const written = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(result)));
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toMatch(/hairpin-broken/);
    expect(await readFile(junit, 'utf8')).toMatch(/<testsuite [^>]*name="hairpin-broken"/);
  });

  it('a definition with a candidate ruleset: the candidate replaces the NAT node rules', async () => {
    const { def } = await loadScenario('hairpin');
    const dir = join(out, 'candidate');
    const broken = await runScenario({
      scenario: def,
      name: 'hairpin-candidate',
      ruleset: join(RULESETS, 'mikrotik-broken.rsc'),
      outDir: dir,
    });
    expect(broken.scenario).toBe('hairpin-candidate');
    expect(broken.verdict).toBe('fail');
    expect(broken.rulesets.map((r) => r.dump).join('\n')).toMatch(/dnat/i);
    // Not asked for files: none written beside the pcaps.
    await expect(access(join(dir, 'result.json'))).rejects.toThrow();
    const fixed = await runScenario({
      scenario: def,
      ruleset: join(RULESETS, 'mikrotik-fixed.rsc'),
    });
    expect(fixed.verdict).toBe('pass');
  });

  it('an already aborted signal: it rejects before building anything', async () => {
    const controller = new AbortController();
    controller.abort(new NatlabError('stop', { code: 'INTERRUPTED', stage: 'cli' }));
    await expect(
      runScenario({
        scenario: join(SCENARIOS_DIR, 'hairpin-broken.ts'),
        signal: controller.signal,
      }),
    ).rejects.toThrow();
  });
});
