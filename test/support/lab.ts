// Integration tests need root and the real tools. Outside CI they are skipped with a one-line reason;
// in CI (CI=true) a missing root or tool is a failure, never a skip.

import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { describe, it } from 'vitest';
import {
  ensureSbinOnPath,
  findMissingTools,
  hasLabCapabilities,
} from '../../src/preflight/check-environment.ts';

const TOOLS = ['ip', 'sysctl', 'tcpdump', 'curl', 'iptables-restore', 'iptables-save', 'nft'];

async function labProblem(): Promise<string | undefined> {
  // As natlab itself does: the lab tools live in sbin, which a CI environment may leave off PATH.
  ensureSbinOnPath();
  if (!(await hasLabCapabilities())) return 'needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN)';
  const missing = await findMissingTools(TOOLS);
  return missing.length > 0 ? `missing tools: ${missing.join(', ')}` : undefined;
}

const problem = await labProblem();

export function describeLab(name: string, body: () => void): void {
  if (!problem) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('has root and the lab tools (required in CI)', () => {
        throw new Error(problem);
      });
    });
  } else {
    process.stderr.write(`skipping integration tests "${name}": ${problem}\n`);
    describe.skip(name, body);
  }
}

/** Namespaces of one run, by its run id. */
export async function namespacesOf(runId: string): Promise<string[]> {
  const all = await readdir('/run/netns').catch(() => [] as string[]);
  return all.filter((n) => n.startsWith(`nl-${runId}-`));
}

/** Processes whose command line mentions the text (run id, output dir). */
export async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Runs the natlab CLI as if `tool` were not installed: in a private mount namespace where /dev/null
 * is bind-mounted over it, so the host's file stays as it is. Without the tool, runs it as is.
 */
export async function runCliWithout(tool: string, args: readonly string[]) {
  const path = (
    await execa('sh', ['-c', `command -v ${tool}`], {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
      reject: false,
    })
  ).stdout;
  const hide = path
    ? ['mount --bind /dev/null "$1" && shift && exec "$@"', 'sh', path]
    : ['exec "$@"', 'sh'];
  return execa(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      ...hide,
      process.execPath,
      '--import',
      'tsx',
      'src/cli/main.ts',
      ...args,
    ],
    { cwd: resolve(import.meta.dirname, '../..'), reject: false, timeout: 60_000 },
  );
}
