// Every run's output directory (and anything else the tests put in the temp dir) goes into one
// directory that is removed when the tests end, so `npm test` leaves nothing in /tmp.

import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'natlab-tests-'));
  // Like /tmp itself: the test that runs natlab as nobody needs a place of its own here too.
  await chmod(dir, 0o1777);
  process.env.TMPDIR = dir;
  return () => rm(dir, { recursive: true, force: true });
}
