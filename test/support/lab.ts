// Integration tests need root and the real tools. Outside CI they are skipped with a one-line reason;
// in CI (CI=true) a missing root or tool is a failure, never a skip.

import { readdir, readFile } from 'node:fs/promises';
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
