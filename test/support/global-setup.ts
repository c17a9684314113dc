// Around the whole test run:
// - every run's output directory (and anything else the tests put in the temp dir) goes into one
//   directory that is removed at the end, so `npm test` leaves nothing in /tmp;
// - the root network namespace is fingerprinted before and after: natlab must never change it. A
//   change is written to ROOT_CHANGED, which scripts/test-summary.mjs counts as a failed test.

import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureSbinOnPath } from '../../src/preflight/check-environment.ts';
import { fingerprintChanges, rootFingerprint } from './root-fingerprint.ts';

export const ROOT_CHANGED = 'test-results/root-namespace-changed.txt';

export default async function setup(): Promise<() => Promise<void>> {
  ensureSbinOnPath();
  await rm(ROOT_CHANGED, { force: true });
  const dir = await mkdtemp(join(tmpdir(), 'natlab-tests-'));
  // Like /tmp itself: the test that runs natlab as nobody needs a place of its own here too.
  await chmod(dir, 0o1777);
  process.env.TMPDIR = dir;
  const before = await rootFingerprint();
  return async () => {
    await rm(dir, { recursive: true, force: true });
    const changed = fingerprintChanges(before, await rootFingerprint());
    if (changed.length > 0) {
      const text = `the root network namespace changed during the tests:\n${changed.join('\n')}\n`;
      await mkdir(dirname(ROOT_CHANGED), { recursive: true });
      await writeFile(ROOT_CHANGED, text);
      throw new Error(text);
    }
  };
}
