// Which cli/guest-run the guest starts: dist's JavaScript whenever it is current, since under TCG
// loading natlab through the TypeScript loader costs about 30 s more of emulated CPU; src's
// TypeScript through tsx only when natlab runs from src and dist is missing or older than a source.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export async function guestEntry(moduleUrl = import.meta.url): Promise<string> {
  // The entry is a CLI (cli/guest-run), named by path only: vm/ imports nothing from cli/.
  if (moduleUrl.endsWith('.js')) return new URL('../cli/guest-run.js', moduleUrl).pathname;
  const root = new URL('../..', moduleUrl).pathname;
  const built = await stat(join(root, 'dist', '.built')).catch(() => undefined);
  if (built && !(await anyNewer(root, built.mtimeMs))) return join(root, 'dist/cli/guest-run.js');
  return new URL('../cli/guest-run.ts', moduleUrl).pathname;
}

/** What scripts/build.sh --if-stale looks at: src/ and the tsconfigs. */
async function anyNewer(root: string, than: number): Promise<boolean> {
  const sources = (await readdir(join(root, 'src'), { recursive: true })).map((f) =>
    join(root, 'src', f),
  );
  for (const file of [...sources, join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')]) {
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() && info.mtimeMs > than) return true;
  }
  return false;
}
