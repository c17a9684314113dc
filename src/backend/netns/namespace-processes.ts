// Finds the processes living in given named namespaces, the way `ip netns pids` does, in one /proc scan.

import { readdir, readlink, stat } from 'node:fs/promises';

export const NETNS_DIR = '/run/netns';

export async function existingNamespaces(names: readonly string[]): Promise<string[]> {
  const present = new Set(await readdir(NETNS_DIR).catch(() => [] as string[]));
  return names.filter((n) => present.has(n));
}

export async function listNamespacesWithPrefix(prefix: string): Promise<string[]> {
  const present = await readdir(NETNS_DIR).catch(() => [] as string[]);
  return present.filter((n) => n.startsWith(prefix));
}

export async function pidsInNamespaces(names: readonly string[]): Promise<number[]> {
  const inodes = new Set<string>();
  for (const name of names) {
    const info = await stat(`${NETNS_DIR}/${name}`).catch(() => undefined);
    if (info) inodes.add(`net:[${info.ino}]`);
  }
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const link = await readlink(`/proc/${entry}/ns/net`).catch(() => '');
    if (inodes.has(link)) pids.push(Number(entry));
  }
  return pids;
}

/** SIGKILL for processes inside namespaces this run created; they are ours by construction. */
export async function killProcessesIn(names: readonly string[]): Promise<number[]> {
  const pids = await pidsInNamespaces(names);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return pids;
}
