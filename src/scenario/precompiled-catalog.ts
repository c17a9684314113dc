// Which file the loading child imports for a scenario: natlab's own catalog runs precompiled from
// dist/scenarios/ (no TypeScript loader to start), as long as that build is newer than every source.

import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface CatalogDirs {
  /** The TypeScript sources. */
  catalog: string;
  /** Their build, with the `.built` stamp scripts/build.sh touches before it compiles. */
  compiled: string;
}

const NATLAB_CATALOG: CatalogDirs = {
  catalog: join(ROOT, 'scenarios'),
  compiled: join(ROOT, 'dist', 'scenarios'),
};

/** Per file: its compiled twin, or the file itself when it has none or the build is older. */
export async function importableFiles(
  files: readonly string[],
  dirs: CatalogDirs = NATLAB_CATALOG,
): Promise<string[]> {
  const inCatalog = files.map((file) => {
    const rel = relative(dirs.catalog, resolve(file));
    return rel.startsWith(`..${sep}`) || rel === '..' || rel.startsWith(sep) ? undefined : rel;
  });
  if (inCatalog.every((rel) => rel === undefined) || !(await buildIsCurrent(dirs))) {
    return [...files];
  }
  return files.map((file, i) => {
    const rel = inCatalog[i];
    return rel === undefined ? file : join(dirs.compiled, rel.replace(/\.ts$/, '.js'));
  });
}

/** A file of natlab's own compiled catalog, as importableFiles names it. */
export function isCompiledCatalogFile(file: string, dirs: CatalogDirs = NATLAB_CATALOG): boolean {
  return file.startsWith(`${dirs.compiled}${sep}`) && file.endsWith('.js');
}

/** A TypeScript loader is needed only for what is still TypeScript. */
export function needsTypeScriptLoader(files: readonly string[]): boolean {
  return files.some((file) => !/\.(m?js)$/.test(file));
}

// Equal times count as current: npm pack gives every file of the tarball the same mtime.
async function buildIsCurrent({ catalog, compiled }: CatalogDirs): Promise<boolean> {
  const built = await stat(join(compiled, '.built')).catch(() => undefined);
  if (!built) return false;
  const sources = await readdir(catalog, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of sources) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const source = await stat(join(entry.parentPath, entry.name)).catch(() => undefined);
    if (!source || source.mtimeMs > built.mtimeMs) return false;
  }
  return true;
}
