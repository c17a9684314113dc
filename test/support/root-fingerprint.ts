// What natlab could change in the root namespace, without what changes on its own: links,
// addresses, routes, namespaces, rulesets, and every vm.*, kernel.* and net.* sysctl.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

export interface RootFingerprint {
  /** Command output lines, each prefixed with its command. */
  lines: string[];
  /** sysctl key -> value. */
  sysctls: Record<string, string>;
}

const COMMANDS: string[][] = [
  ['ip', '-o', 'link', 'show'],
  ['ip', '-o', 'addr', 'show'],
  ['ip', '-4', 'route', 'show', 'table', 'all'],
  ['ip', '-6', 'route', 'show', 'table', 'all'],
  ['ip', 'netns', 'list'],
  ['iptables-save'],
  ['nft', 'list', 'ruleset'],
];

/** Sysctls the kernel changes by itself: counters, random values, self-tuned rates, and lists that
 * grow as modules load. */
const VOLATILE_SYSCTL =
  /^kernel\.random\.|^kernel\.(ns_last_pid|pty\.nr|tainted|perf_event_max_sample_rate|hung_task_detect_count)$|^net\.netfilter\.nf_conntrack_count$|available/;

const SYSCTL_TREES = ['vm', 'kernel', 'net'];

/** Every readable sysctl under /proc/sys/{vm,kernel,net}, but the volatile ones. */
async function readSysctls(): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  const walk = async (dir: string, key: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const name = `${key}.${entry.name}`;
      if (entry.isDirectory()) await walk(join(dir, entry.name), name);
      else if (!VOLATILE_SYSCTL.test(name)) {
        // Write-only entries (route.flush, drop_caches) cannot be read: nothing to compare.
        const value = await readFile(join(dir, entry.name), 'utf8').catch(() => undefined);
        if (value !== undefined) values[name] = value.trim();
      }
    }
  };
  for (const tree of SYSCTL_TREES) await walk(join('/proc/sys', tree), tree);
  return values;
}

/** Drops what changes on its own: link state, queue lengths, address lifetimes, counters. */
function stableLine(line: string): string {
  return line
    .replace(/\s(state|qlen|expires|valid_lft|preferred_lft)\s\S+/g, '')
    .replace(/\[\d+:\d+\]/g, '')
    .replace(/<[^>]*>/g, '');
}

export async function rootFingerprint(): Promise<RootFingerprint> {
  const lines: string[] = [];
  for (const argv of COMMANDS) {
    const [file = '', ...args] = argv;
    const run = await execa(file, args, { reject: false, timeout: 10_000 });
    // A tool that cannot answer must not look like an empty, unchanged table.
    const text = run.exitCode === 0 ? String(run.stdout) : `failed: ${run.shortMessage}`;
    for (const line of text.split('\n'))
      if (line.trim() && !line.startsWith('#'))
        lines.push(`${argv.join(' ')}: ${stableLine(line)}`);
  }
  return { lines, sysctls: await readSysctls() };
}

/**
 * What changed between two fingerprints: lines gone (-) and new (+), and sysctls whose value
 * changed. A sysctl that appears or goes is a module loading or an interface, which the link
 * lines already show.
 */
export function fingerprintChanges(before: RootFingerprint, after: RootFingerprint): string[] {
  const was = new Set(before.lines);
  const is = new Set(after.lines);
  const changed: string[] = [];
  for (const line of before.lines) if (!is.has(line)) changed.push(`- ${line}`);
  for (const line of after.lines) if (!was.has(line)) changed.push(`+ ${line}`);
  for (const [key, value] of Object.entries(after.sysctls)) {
    const old = before.sysctls[key];
    if (old !== undefined && old !== value) changed.push(`sysctl ${key}: ${old} -> ${value}`);
  }
  return changed;
}
