// natlab's own scenarios load from their build while it is current, and from the sources otherwise.

import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  importableFiles,
  isCompiledCatalogFile,
  needsTypeScriptLoader,
} from '../../src/scenario/precompiled-catalog.ts';

describe('the precompiled catalog', () => {
  let root = '';
  let dirs = { catalog: '', compiled: '' };
  const at = (seconds: number) => new Date(seconds * 1000);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'natlab-catalog-'));
    dirs = { catalog: join(root, 'scenarios'), compiled: join(root, 'dist', 'scenarios') };
    await mkdir(join(dirs.catalog, 'lib'), { recursive: true });
    await mkdir(join(dirs.compiled, 'lib'), { recursive: true });
    for (const file of ['a.ts', 'lib/helper.ts']) {
      await writeFile(join(dirs.catalog, file), 'export default {};\n');
      await utimes(join(dirs.catalog, file), at(1000), at(1000));
    }
    await writeFile(join(dirs.compiled, '.built'), '');
    await utimes(join(dirs.compiled, '.built'), at(2000), at(2000));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('imports a catalog scenario from its build when the build is newer than every source', async () => {
    const user = join(root, 'elsewhere', 'mine.ts');
    expect(await importableFiles([join(dirs.catalog, 'a.ts'), user], dirs)).toEqual([
      join(dirs.compiled, 'a.js'),
      user,
    ]);
  });

  it('counts equal times as current, as a tarball gives every file one mtime', async () => {
    await utimes(join(dirs.compiled, '.built'), at(1000), at(1000));
    expect(await importableFiles([join(dirs.catalog, 'a.ts')], dirs)).toEqual([
      join(dirs.compiled, 'a.js'),
    ]);
  });

  it('falls back to every source when a helper the scenarios import was edited after the build', async () => {
    await utimes(join(dirs.catalog, 'lib/helper.ts'), at(3000), at(3000));
    const file = join(dirs.catalog, 'a.ts');
    expect(await importableFiles([file], dirs)).toEqual([file]);
  });

  it('falls back to the sources when there is no build at all', async () => {
    await rm(join(dirs.compiled, '.built'));
    const file = join(dirs.catalog, 'a.ts');
    expect(await importableFiles([file], dirs)).toEqual([file]);
  });

  it('loads in-process only what is compiled into the catalog build itself', () => {
    expect(isCompiledCatalogFile(join(dirs.compiled, 'a.js'), dirs)).toBe(true);
    expect(isCompiledCatalogFile(join(dirs.compiled, 'lib', 'helper.js'), dirs)).toBe(true);
    // A user's file, the sources, and a sibling directory whose name only starts the same.
    expect(isCompiledCatalogFile(join(root, 'elsewhere', 'mine.js'), dirs)).toBe(false);
    expect(isCompiledCatalogFile(join(dirs.catalog, 'a.ts'), dirs)).toBe(false);
    expect(isCompiledCatalogFile(`${dirs.compiled}-other/a.js`, dirs)).toBe(false);
  });

  it('needs the TypeScript loader only for files that are still TypeScript', () => {
    expect(needsTypeScriptLoader(['/x/child.js', '/x/a.js', '/y/b.mjs'])).toBe(false);
    expect(needsTypeScriptLoader(['/x/child.js', '/y/mine.ts'])).toBe(true);
  });
});
