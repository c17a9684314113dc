// Around the whole test run:
// - every run's output directory (and anything else the tests put in the temp dir) goes into one
//   directory that is removed at the end, so `npm test` leaves nothing in /tmp;
// - the root network namespace is fingerprinted before and after: natlab must never change it.

import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ensureSbinOnPath } from '../../src/preflight/check-environment.ts';

const COMMANDS: string[][] = [
  ['ip', '-o', 'link', 'show'],
  ['ip', '-o', 'addr', 'show'],
  ['ip', '-4', 'route', 'show', 'table', 'all'],
  ['ip', '-6', 'route', 'show', 'table', 'all'],
  ['ip', 'netns', 'list'],
  ['iptables-save'],
  ['nft', 'list', 'ruleset'],
];

/** What natlab could change in the root namespace, without what changes on its own. */
export async function rootFingerprint(): Promise<string> {
  const parts: string[] = [];
  for (const argv of COMMANDS) {
    const [file = '', ...args] = argv;
    const run = await execa(file, args, { reject: false, timeout: 10_000 });
    const text = String(run.stdout)
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map((l) =>
        l
          .replace(/\s(state|qlen|expires|valid_lft|preferred_lft)\s\S+/g, '')
          .replace(/\[\d+:\d+\]/g, '')
          .replace(/<[^>]*>/g, ''),
      )
      .join('\n');
    parts.push(`$ ${argv.join(' ')}\n${text}`);
  }
  parts.push(
    `ip_forward ${await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8').catch(() => '?')}`,
  );
  return parts.join('\n');
}

/** Read by scripts/test-summary.mjs, which counts it as a failure. */
const ROOT_CHANGED = 'test-results/root-namespace-changed.txt';

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
    const after = await rootFingerprint();
    if (after !== before) {
      const was = new Set(before.split('\n'));
      const changed = after.split('\n').filter((l) => !was.has(l));
      throw new Error(
        `the root network namespace changed during the tests:\n${changed.join('\n')}`,
      );
    }
  };
}
