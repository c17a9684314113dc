// The pure parts of `natlab run` over several scenarios: naming them, filtering, the suite verdict
// and the summary table.

import { describe, expect, it } from 'vitest';
import { renderRunSummary } from '../../src/report/run-summary.ts';
import { glyphsFor } from '../../src/report/terminal-report.ts';
import { worstVerdict } from '../../src/run/run-many.ts';
import { SCENARIOS_DIR } from '../../src/scenario/load-scenario.ts';
import { nameMatcher, resolveTargets } from '../../src/scenario/resolve-targets.ts';
import { renderFixtureResult } from '../support/fixture-result.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const at = { scenariosDir: SCENARIOS_DIR, cwd: ROOT };

describe('resolveTargets', () => {
  it('takes names, directories and .ts files, each scenario once, in the order given', async () => {
    const found = await resolveTargets(
      ['hairpin-nft', 'test/fixtures/run-many', 'scenarios/hairpin-nft.ts'],
      at,
    );
    expect(found.map((s) => s.name)).toEqual([
      'hairpin-nft',
      'bridge-nat-broute',
      'dmz-subnet',
      'hairpin-broken',
      'hairpin-masquerade',
      'hairpin-unfixed',
      'rejected-ruleset',
    ]);
    expect(found[5]?.file).toBe(`${ROOT}test/fixtures/run-many/hairpin-unfixed.ts`);
  });

  it('filters by glob or by a part of the name; alone, --filter picks from the scenario directory', async () => {
    const hairpins = await resolveTargets([], { ...at, filters: ['hairpin-*'] });
    expect(hairpins.map((s) => s.name)).toEqual([
      'hairpin-broken',
      'hairpin-masquerade',
      'hairpin-nft',
      'hairpin-snat-public',
    ]);
    const bridges = await resolveTargets(['test/fixtures/run-many'], {
      ...at,
      filters: ['broute', 'dmz'],
    });
    expect(bridges.map((s) => s.name)).toEqual(['bridge-nat-broute', 'dmz-subnet']);
  });

  it('refuses what names no scenario, saying which', async () => {
    await expect(resolveTargets(['no-such'], at)).rejects.toThrow(
      /unknown scenario "no-such"; known scenarios: .*hairpin-broken/,
    );
    await expect(resolveTargets(['./package.json'], at)).rejects.toThrow(
      /"\.\/package\.json" is neither a directory of scenarios nor a \.ts scenario file/,
    );
    await expect(resolveTargets(['test/fixtures/captures'], at)).rejects.toThrow(
      /test\/fixtures\/captures holds no scenario/,
    );
    await expect(resolveTargets([], { ...at, filters: ['zzz*'] })).rejects.toThrow(
      /no scenario matches --filter zzz\*/,
    );
  });
});

describe('nameMatcher', () => {
  it('matches a glob against the whole name and a plain pattern anywhere in it', () => {
    expect(nameMatcher('hairpin-*')('hairpin-nft')).toBe(true);
    expect(nameMatcher('hairpin-*')('bridge-hairpin-x')).toBe(false);
    expect(nameMatcher('hairpin-???')('hairpin-nft')).toBe(true);
    expect(nameMatcher('nat')('bridge-nat-bug')).toBe(true);
    // Regex characters in a glob are plain characters.
    expect(nameMatcher('a.c*')('abc')).toBe(false);
  });
});

describe('worstVerdict', () => {
  it('ranks error over fail over skip over pass', () => {
    expect(worstVerdict(['pass', 'skip', 'fail', 'error'])).toBe('error');
    expect(worstVerdict(['skip', 'fail', 'pass'])).toBe('fail');
    expect(worstVerdict(['pass', 'skip'])).toBe('skip');
    expect(worstVerdict(['pass', 'pass'])).toBe('pass');
  });
});

describe('renderRunSummary', () => {
  it('gives a row per scenario with its checks and why it did not pass, then the totals', async () => {
    const passed = await renderFixtureResult('hairpin-broken');
    const failed = {
      ...passed,
      scenario: 'other',
      verdict: 'fail' as const,
      diagnosis: [],
      checks: [{ id: 'probe:x', name: 'x: a → b connects', ok: false, detail: 'timeout\nmore' }],
    };
    const text = renderRunSummary(
      [passed, failed],
      { verdict: 'fail', durationMs: 9000, jobs: 2, outDir: '/tmp/x' },
      glyphsFor(false),
    );
    expect(text).toMatch(/scenario\s+verdict\s+time\s+checks\s+why/);
    expect(text).toMatch(new RegExp(`${passed.scenario}\\s+PASS\\s+[\\d.]+ s\\s+\\d+/\\d+\\n`));
    expect(text).toMatch(/other\s+FAIL\s+[\d.]+ s\s+0\/1\s+x: a → b connects: timeout\n/);
    expect(text).toContain(
      'FAIL: 2 scenarios in 9.0 s (--jobs 2): 1 passed, 1 failed, 0 skipped, 0 errors',
    );
  });
});
