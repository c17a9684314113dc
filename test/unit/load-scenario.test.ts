// Loading scenario files in a child process: data comes back, broken files are named, hanging
// ones meet their deadline, an abort kills the child at once, and --list shows the good ones.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/cli/main.ts';
import { importInChild } from '../../src/scenario/import-in-child.ts';
import { loadScenarios, tryLoadScenarios } from '../../src/scenario/load-scenario.ts';
import { fakeIo } from '../support/fake-io.ts';
import { processesMentioning } from '../support/lab.ts';

const BAD = 'test/fixtures/bad-input/scenarios';
// Absolute: the same test in another checkout must not count as this one's leftover.
const HANGING = resolve(import.meta.dirname, '../fixtures/bad-input/hanging-scenarios');

describe('loading scenario files', () => {
  it('brings back the default export as plain data', async () => {
    const [scenario] = await loadScenarios(['hairpin-broken']);
    expect(scenario?.def.description).toMatch(/hairpin/i);
    expect(Object.getPrototypeOf(scenario?.def)).toBe(Object.prototype);
    expect(scenario?.file).toMatch(/scenarios\/hairpin-broken\.ts$/);
  });

  it('loads the good files and names each broken one, in the order asked', async () => {
    const outcomes = await tryLoadScenarios(
      ['unknown-node', 'throws-null', 'no-such-file', 'function-as-value'],
      BAD,
    );
    expect(outcomes.map((o) => [o.name, o.ok])).toEqual([
      ['unknown-node', true],
      ['throws-null', false],
      ['no-such-file', false],
      ['function-as-value', false],
    ]);
    const errors = outcomes.flatMap((o) => (o.ok ? [] : [[o.error.code, o.error.message]]));
    expect(errors).toEqual([
      ['INVALID_SCENARIO', expect.stringMatching(/it threw null, which is not an Error/)],
      ['UNKNOWN_SCENARIO', expect.stringMatching(/unknown scenario "no-such-file"/)],
      ['INVALID_SCENARIO', expect.stringMatching(/nodes\.a\.kind: a function is not data/)],
    ]);
  });

  it('refuses a scenario file that is a FIFO at once, without opening it for the import', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'load-scenario-fifo-'));
    try {
      await execa('mkfifo', [join(dir, 'fifo.ts')]);
      const [outcome] = await tryLoadScenarios(['fifo'], dir);
      expect(outcome?.ok ? 'loaded' : outcome?.error.message).toMatch(
        /scenario file .*fifo\.ts: not a regular file \(a FIFO, socket or device\)/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a hanging file costs its deadline only: the files after it still load', async () => {
    const started = performance.now();
    const outcomes = await tryLoadScenarios(
      ['sleeps-while-loading', 'loops-while-loading'],
      HANGING,
      { timeoutMs: 2000 },
    );
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.message))).toEqual([
      expect.stringMatching(/"sleeps-while-loading" .*did not finish loading within 2 s/),
      expect.stringMatching(/"loops-while-loading" .*did not finish loading within 2 s/),
    ]);
    // Two deadlines and two child start-ups, not an unbounded wait.
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(await processesMentioning(HANGING)).toEqual([]);
  });

  it('a file whose memory grows without end is stopped at the bound', async () => {
    const file = resolve(HANGING, 'reads-dev-zero.ts');
    const [outcome] = await importInChild([file], {
      timeoutMs: 60_000,
      maxRssBytes: 300 * 1024 ** 2,
    });
    expect(outcome).toEqual({
      file,
      ok: false,
      error: expect.stringMatching(/took more than 300 MiB of memory while loading/),
    });
    expect(await processesMentioning(file)).toEqual([]);
  });

  it('an abort kills the loading child at once', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 1000);
    await expect(
      loadScenarios(['loops-while-loading'], HANGING, {
        timeoutMs: 60_000,
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await processesMentioning(HANGING)).toEqual([]);
  });

  it('--list prints the good scenarios and names the broken ones, exit 2', async () => {
    const { out, io } = fakeIo();
    expect(await main(['--list', '--scenarios', BAD], io)).toBe(EXIT.error);
    expect(out.stdout).toMatch(/^unknown-node +\S/m);
    expect(out.stdout).not.toMatch(/throws-null/);
    expect(out.stderr).toMatch(/scenario "throws-null" failed to load/);
    expect(out.stderr).toMatch(/scenario "not-a-scenario" must export default defineScenario/);
  });
});
