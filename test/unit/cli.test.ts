// The CLI contract, called in-process: argv in, exit code and text out. Nothing here needs root.

import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/cli/main.ts';
import { fakeIo } from '../support/fake-io.ts';

describe('natlab CLI', () => {
  it('--list prints one line per scenario with its description', async () => {
    const { out, io } = fakeIo();
    expect(await main(['--list'], io)).toBe(EXIT.pass);
    const lines = out.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.find((l) => l.startsWith('hairpin-broken '))).toMatch(/without hairpin SNAT/);
  });

  it('exits 2 for an unknown scenario and lists the known ones', async () => {
    const { out, io } = fakeIo();
    expect(await main(['no-such-scenario'], io)).toBe(EXIT.error);
    expect(out.stderr).toMatch(
      /unknown scenario "no-such-scenario"; known scenarios: .*hairpin-masquerade/,
    );
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 for a path that is neither a scenario directory nor a .ts file', async () => {
    const { out, io } = fakeIo();
    expect(await main(['../scenarios/hairpin-broken'], io)).toBe(EXIT.error);
    expect(out.stderr).toMatch(
      /"\.\.\/scenarios\/hairpin-broken" is neither a directory of scenarios nor a \.ts scenario file/,
    );
  });

  it('exits 2 for an unknown option, with usage', async () => {
    const { out, io } = fakeIo();
    expect(await main(['hairpin-broken', '--frobnicate'], io)).toBe(EXIT.error);
    expect(out.stderr).toMatch(/Unknown option '--frobnicate'/);
    expect(out.stderr).toMatch(/usage: natlab run <name>/);
  });

  it('exits 2 for --out without a value', async () => {
    const { out, io } = fakeIo();
    expect(await main(['hairpin-broken', '--out'], io)).toBe(EXIT.error);
    expect(out.stderr).toMatch(/--out/);
  });

  it('exits 2 for a bad --kernel, a clashing option or a bad --vm-timeout, before booting anything', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['hairpin-broken', '--kernel', 'debian-4.9'],
        /--kernel must be host, debian-6\.1, debian-6\.12, or a path/,
      ],
      [['hairpin-broken', '--kernel', 'host', '--kernel', 'host'], /--kernel host is named twice/],
      [
        ['hairpin-broken', '--kernel', 'debian-6.1', '--keep'],
        /--keep cannot be combined with --kernel/,
      ],
      [
        ['hairpin-broken', '--kernel', 'debian-6.1', '--vm-timeout', 'soon'],
        /--vm-timeout must be a number of seconds/,
      ],
      [['--kernel', 'debian-6.1'], /name at least one scenario \(got 0\)/],
      [['hairpin-broken', 'hairpin-nft', '--keep'], /--keep takes one scenario, and 2 are named/],
      [['hairpin-broken', '--jobs', 'many'], /--jobs must be a whole number from 1 to 32/],
    ];
    for (const [argv, message] of cases) {
      const { out, io } = fakeIo();
      expect(await main(argv, io)).toBe(EXIT.error);
      expect(out.stderr).toMatch(message);
      expect(out.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('exits 2 when no scenario is named', async () => {
    const { out, io } = fakeIo();
    expect(await main([], io)).toBe(EXIT.error);
    expect(out.stderr).toMatch(/name at least one scenario/);
  });

  it('with --json, an error is JSON with verdict "error" and a reason', async () => {
    const { out, io } = fakeIo();
    expect(await main(['no-such-scenario', '--json'], io)).toBe(EXIT.error);
    expect(JSON.parse(out.stdout)).toMatchObject({
      scenario: 'no-such-scenario',
      verdict: 'error',
      reason: expect.stringMatching(/unknown scenario/),
    });
  });
});
