// Integration tests need root and the real tools. Outside CI they are skipped with a one-line reason;
// in CI (CI=true) a missing root or tool is a failure, never a skip.

import { readdir, readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa, type ResultPromise } from 'execa';
import { describe, it } from 'vitest';
import {
  ensureSbinOnPath,
  findMissingTools,
  hasLabCapabilities,
} from '../../src/preflight/check-environment.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** The CLI's argv from the checkout, as a separate node process runs it. */
export const NATLAB_CLI = [process.execPath, '--import', 'tsx', 'src/cli/main.ts'] as const;

/** setpriv's prefix that runs a command as the user nobody, with no groups. */
export const AS_NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] as const;

/** natlab's CLI as a separate process, as users run it: its exit code is data, never a throw. */
export function natlabCli(args: readonly string[], { timeout = 60_000 } = {}) {
  const [node, ...rest] = NATLAB_CLI;
  return execa(node, [...rest, ...args], { cwd: ROOT, reject: false, timeout });
}

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

/** Where a tool is, found by the shell rather than by natlab's own lookup; '' when absent. */
export async function toolPath(tool: string): Promise<string> {
  const found = await execa('sh', ['-c', 'command -v "$1"', 'sh', tool], {
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    reject: false,
    timeout: 10_000,
  });
  return found.exitCode === 0 ? found.stdout.trim() : '';
}

type TestBody = () => Promise<void> | void;
type TestFn = (name: string, body: TestBody, timeoutMs?: number) => void;

/**
 * `it` for tests that need something installed: run when there is no problem, failed in CI
 * when there is one, skipped with a one-line reason elsewhere. Never a pass that did not run.
 */
export function itUnless(problem: string | undefined): TestFn {
  if (problem === undefined) return (name, body, timeoutMs) => it(name, body, timeoutMs);
  if (process.env.CI) {
    return (name) =>
      it(name, () => {
        throw new Error(`${problem} (required in CI)`);
      });
  }
  return (name) => {
    process.stderr.write(`skipping "${name}": ${problem}\n`);
    it.skip(name, () => undefined);
  };
}

/**
 * `it` for tests that need a kernel feature: skipped with its reason wherever the kernel lacks it,
 * CI included, since no install step can add it (the test's own probe decides, never natlab's).
 */
export function itIfKernelHas(problem: string | undefined): TestFn {
  if (problem === undefined) return (name, body, timeoutMs) => it(name, body, timeoutMs);
  return (name) => {
    process.stderr.write(`skipping "${name}": ${problem}\n`);
    it.skip(name, () => undefined);
  };
}

/** The problem when a tool is missing, naming the scripts/setup.sh flag that installs it. */
export async function missingTools(
  tools: readonly string[],
  setupFlag: string,
): Promise<string | undefined> {
  const missing: string[] = [];
  for (const tool of tools) if (!(await toolPath(tool))) missing.push(tool);
  return missing.length === 0
    ? undefined
    : `missing ${missing.join(', ')}: run scripts/setup.sh ${setupFlag}`;
}

/** The running kernel's build options (from /proc/config.gz or /boot/config-RELEASE). */
async function kernelConfig(): Promise<Map<string, string> | undefined> {
  const text = await readFile('/proc/config.gz').then(
    (gz) => gunzipSync(gz).toString(),
    () => readFile(`/boot/config-${release()}`, 'utf8').catch(() => undefined),
  );
  if (text === undefined) return undefined;
  const options = new Map<string, string>();
  for (const m of text.matchAll(/^(CONFIG_\w+)=(.*)$/gm)) options.set(m[1] ?? '', m[2] ?? '');
  return options;
}

/**
 * Whether the host has broute, judged apart from natlab's own capability probe (so a broken probe
 * cannot turn a pass into a skip): from the kernel's build options and ebtables-legacy. Undefined
 * when that cannot tell: no kernel config, or only nft's meta broute, which also needs a new nft.
 */
export async function hostHasBroute(): Promise<boolean | undefined> {
  const config = await kernelConfig();
  if (!config) return undefined;
  const built = (option: string) => ['y', 'm'].includes(config.get(option) ?? '');
  if (built('CONFIG_BRIDGE_EBT_BROUTE') && (await toolPath('ebtables-legacy'))) return true;
  if (!built('CONFIG_BRIDGE_EBT_BROUTE') && !built('CONFIG_NFT_BRIDGE_META')) return false;
  return undefined;
}

/**
 * Waits until a child's stderr holds the text, at most timeoutMs; an exit or the deadline first is
 * an error that quotes what the child said.
 */
export function waitForStderr(
  child: ResultPromise,
  text: string,
  timeoutMs: number,
): Promise<string> {
  let stderr = '';
  let onData: (chunk: Buffer) => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const seen = new Promise<string>((found, fail) => {
    timer = setTimeout(
      () => fail(new Error(`no "${text}" within ${timeoutMs} ms; stderr so far:\n${stderr}`)),
      timeoutMs,
    );
    onData = (chunk) => {
      stderr += chunk.toString();
      if (stderr.includes(text)) found(stderr);
    };
    child.stderr?.on('data', onData);
    child.then(
      (r) => fail(new Error(`exited (${r.exitCode}) before "${text}"; stderr:\n${stderr}`)),
      (e: Error) => fail(new Error(`failed before "${text}": ${e.message}`)),
    );
  });
  return seen.finally(() => {
    clearTimeout(timer);
    child.stderr?.off('data', onData);
  });
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
  const path = await toolPath(tool);
  const hide = path
    ? ['mount --bind /dev/null "$1" && shift && exec "$@"', 'sh', path]
    : ['exec "$@"', 'sh'];
  return execa(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', ...hide, ...NATLAB_CLI, ...args],
    { cwd: ROOT, reject: false, timeout: 60_000 },
  );
}
