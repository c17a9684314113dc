// scripts/test-summary.mjs, the CI summary: one plain line from vitest's JSON report, counting
// the root-namespace-changed marker as a failed test, and a missing report as a failure.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = resolve(import.meta.dirname, '../../scripts/test-summary.mjs');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'natlab-summary-'));
  await mkdir(join(dir, 'test-results'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function summary(report?: object, rootChanged = false) {
  if (report) await writeFile(join(dir, 'test-results/vitest.json'), JSON.stringify(report));
  if (rootChanged) await writeFile(join(dir, 'test-results/root-namespace-changed.txt'), 'x\n');
  const run = await execa(process.execPath, [SCRIPT], { cwd: dir, reject: false, timeout: 10_000 });
  return { line: run.stdout, exitCode: run.exitCode };
}

const green = { success: true, numPassedTests: 5, numFailedTests: 0, numPendingTests: 1 };

describe('the CI summary line', () => {
  it('counts passed, failed and skipped, exit 0 when all is well', async () => {
    expect(await summary(green)).toEqual({ line: '5 passed, 0 failed, 1 skipped', exitCode: 0 });
  });

  it('counts a changed root namespace as one failed test', async () => {
    expect(await summary(green, true)).toEqual({
      line: '5 passed, 1 failed, 1 skipped',
      exitCode: 1,
    });
  });

  it('is a failure, in the same shape, without a report', async () => {
    expect(await summary()).toEqual({ line: '0 passed, 1 failed, 0 skipped', exitCode: 1 });
  });

  it('counts a suite that failed to load, with no failing test, once', async () => {
    const broken = { ...green, success: false, numFailedTestSuites: 1 };
    expect(await summary(broken)).toEqual({ line: '5 passed, 1 failed, 1 skipped', exitCode: 1 });
  });
});
