// Prints the import graph between src/'s folders, each edge with its stages' order, and exits 1 when
// a module imports from a later stage (type imports count too): `node --import tsx scripts/stage-imports.ts [SRC]`.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(process.argv[2] ?? join(import.meta.dirname, '../src'));

// The pipeline's order (ARCHITECTURE.md); below it the shared foundation, above it what drives it.
const RANK: Record<string, number> = {
  errors: 0,
  net: 0,
  system: 1,
  scenario: 10,
  candidates: 11,
  plan: 20,
  preflight: 25,
  backend: 30,
  rulesets: 40,
  services: 50,
  capture: 50,
  traffic: 60,
  steps: 62,
  'kernel-state': 65,
  decode: 80,
  analyse: 90,
  check: 100,
  report: 110,
  run: 200,
  audit: 205,
  vm: 210,
  api: 220,
  vitest: 220,
  cli: 230,
  index: 240,
};

const folderOf = (path: string) => (path.split('/')[0] ?? '').replace(/\.ts$/, '');
const edges = new Map<string, string[]>();
const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' });
for (const file of files.filter((f) => f.endsWith('.ts'))) {
  const text = readFileSync(join(SRC, file), 'utf8');
  for (const [, spec = ''] of text.matchAll(/\bfrom '(\.[^']+)'/g)) {
    const from = folderOf(file);
    const to = folderOf(relative(SRC, resolve(dirname(join(SRC, file)), spec)));
    if (from === to) continue;
    const key = `${from} -> ${to}`;
    edges.set(key, [...(edges.get(key) ?? []), file]);
  }
}

let wrong = 0;
for (const [key, files] of [...edges].sort(([a], [b]) => a.localeCompare(b))) {
  const [from = '', to = ''] = key.split(' -> ');
  const unknown = [from, to].filter((f) => RANK[f] === undefined);
  const backwards = unknown.length === 0 && (RANK[from] ?? 0) < (RANK[to] ?? 0);
  if (unknown.length > 0 || backwards) wrong += 1;
  const why =
    unknown.length > 0
      ? `  UNKNOWN FOLDER ${unknown.join(', ')}`
      : backwards
        ? '  LATER STAGE'
        : '';
  console.log(`${key}${why}${why ? `: ${[...new Set(files)].join(', ')}` : ''}`);
}
console.log(
  wrong === 0
    ? 'every import points to an earlier stage or the foundation'
    : `${wrong} edge(s) point the wrong way`,
);
process.exitCode = wrong === 0 ? 0 : 1;
