// The scenario file shown in README.md runs as written.

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { describeLab, namespacesOf } from '../support/lab.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = join(ROOT, 'test-results', 'readme-example');
afterAll(() => rm(dir, { recursive: true, force: true }));

describeLab('the README example', () => {
  it('two-hosts runs and every check holds', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const block = /```ts\n(\/\/ scenarios\/two-hosts\.ts\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    // As written: its `import ... from 'natlab'` finds natlab itself (this directory is inside it).
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'two-hosts.ts'), block ?? '');

    const result = await runScenario({
      scenario: await loadScenario('two-hosts', dir),
      outDir: join(dir, 'out'),
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.checks).toHaveLength(5); // kernel-health included
    expect(result.probes[0]).toMatchObject({ ok: true, serverSaw: '10.0.0.10' });
    expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  });
});
