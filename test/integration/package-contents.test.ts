// What `npm pack` puts in the tarball: what a user needs to run natlab and type against it, and
// neither tests, fixtures, sources nor the dev toolchain. Listed by npm itself (dry run).

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { beforeAll, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
let files: string[];
let manifest: {
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
  dependencies: Record<string, string>;
};

beforeAll(async () => {
  await execa('bash', ['scripts/build.sh', '--if-stale'], { cwd: ROOT, timeout: 300_000 });
  // --ignore-scripts: list what dist/ holds now, without prepack's full rebuild.
  const pack = await execa('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], {
    cwd: ROOT,
    timeout: 120_000,
  });
  files = (JSON.parse(pack.stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
  manifest = JSON.parse(await readFile(resolve(ROOT, 'package.json'), 'utf8'));
}, 400_000);

it('holds the compiled code with its declarations, the catalog, setup.sh and the run-time assets', () => {
  for (const file of [
    'dist/index.js',
    'dist/index.d.ts',
    'dist/cli/natlab.js',
    'dist/cli/guest-run.js',
    'dist/scenario/scenario-child.js',
    'dist/services/http-echo-server.py',
    'dist/services/port-echo-server.py',
    'dist/services/echo_service.py',
    'dist/traffic/port-probe.py',
    'dist/backend/mininet/mininet-driver.py',
    'dist/vm/guest/init.sh',
    'scenarios/hairpin-broken.ts',
    'scenarios/lib/hairpin-lab.ts',
    'scripts/setup.sh',
  ]) {
    expect(files).toContain(file);
  }
});

it('holds no tests, fixtures, TypeScript sources, examples, lock file or build stamp', () => {
  const unwanted = files.filter((f) =>
    /^(test|src|examples|bench|node_modules)\/|^package-lock\.json$|^dist\/\.built$|\.test\./.test(
      f,
    ),
  );
  expect(unwanted).toEqual([]);
});

it('every bin and export names a file in the tarball', () => {
  const targets = [
    ...Object.values(manifest.bin),
    ...Object.values(manifest.exports).flatMap((e) =>
      typeof e === 'string' ? [e] : [e.types, e.default],
    ),
  ].map((p) => p.replace(/^\.\//, ''));
  expect(targets.length).toBeGreaterThan(4);
  for (const target of targets) expect(files).toContain(target);
});

it('its run-time dependencies are only what natlab runs with, never the dev toolchain', () => {
  expect(Object.keys(manifest.dependencies).sort()).toEqual(['execa', 'ipaddr.js', 'tsx', 'zod']);
});
