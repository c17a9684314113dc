// Imports point one way: no module of src/ imports from a later stage of the pipeline.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const SCRIPT = resolve(import.meta.dirname, '../../scripts/stage-imports.ts');

describe('the stage import graph', () => {
  it("holds for natlab's own src/", async () => {
    const { exitCode, stdout } = await execa(process.execPath, ['--import', 'tsx', SCRIPT], {
      reject: false,
    });
    expect(stdout).toContain('decode -> capture');
    expect(stdout).toContain('every import points to an earlier stage or the foundation');
    expect(exitCode).toBe(0);
  });

  it('names a module that imports from a later stage, and a folder it does not know', async () => {
    const src = await mkdtemp(join(tmpdir(), 'natlab-stages-'));
    try {
      await mkdir(join(src, 'decode'));
      await mkdir(join(src, 'report'));
      await mkdir(join(src, 'extras'));
      await writeFile(join(src, 'decode/read.ts'), "import type { X } from '../report/x.ts';\n");
      await writeFile(join(src, 'report/x.ts'), "import { y } from '../extras/y.ts';\n");
      await writeFile(join(src, 'extras/y.ts'), 'export const y = 1;\n');
      const { exitCode, stdout } = await execa(process.execPath, ['--import', 'tsx', SCRIPT, src], {
        reject: false,
      });
      expect(stdout).toContain('decode -> report  LATER STAGE: decode/read.ts');
      expect(stdout).toContain('report -> extras  UNKNOWN FOLDER extras');
      expect(stdout).toContain('2 edge(s) point the wrong way');
      expect(exitCode).toBe(1);
    } finally {
      await rm(src, { recursive: true, force: true });
    }
  });
});
