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
  const infos = await Promise.all(
    names.map((name) => stat(`${NETNS_DIR}/${name}`).catch(() => undefined)),
  );
  const inodes = new Set(infos.filter((i) => i !== undefined).map((i) => `net:[${i.ino}]`));
  if (inodes.size === 0) return [];
  // All at once: one at a time, a /proc of a few hundred processes took tens of milliseconds.
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  const links = await Promise.all(
    pids.map((pid) => readlink(`/proc/${pid}/ns/net`).catch(() => '')),
  );
  return pids.filter((_, i) => inodes.has(links[i] ?? '')).map(Number);
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
