// Bundles src/ into OUT (scripts/build.sh's next dist/): one file per entry point, at the path tsc
// would have written it, and the modules entries share in OUT/chunks/. natlab's dependencies (execa,
// zod, ipaddr.js) go in too: loading them file by file was most of a run's start-up.
//   node scripts/bundle.mjs OUT
//
// A module that finds files from import.meta.url keeps finding them where they are: each such
// use is rewritten to the URL the module would have had in an unbundled dist/, from a constant
// each output file defines for the dist/ it is in.

import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { build } from 'esbuild';

/** Every file run or imported by path: the package's bin, exports and npm scripts, and children. */
const ENTRIES = [
  'cli/natlab',
  'cli/main',
  'cli/decode-command',
  'cli/clean-command',
  'cli/compare-command',
  'cli/guest-run',
  'scenario/scenario-child',
  'index',
  'vitest/index',
];

const DIST = '__natlabDist';

const out = process.argv[2];
if (!out) throw new Error('usage: node scripts/bundle.mjs OUT');
const src = join(import.meta.dirname, '..', 'src');

/** import.meta.url in a module under src/ becomes its unbundled dist/ URL. @type {import('esbuild').Plugin} */
const unbundledUrls = {
  name: 'unbundled-import-meta-url',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      const asJs = relative(src, path).split(sep).join('/').replace(/\.ts$/, '.js');
      return {
        contents: text.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(asJs)}, ${DIST}).href`,
        ),
        loader: 'ts',
      };
    });
  },
};

const result = await build({
  entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, join(src, `${e}.ts`)])),
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // vitest is the user's (a peer); tsx is resolved by path for the loading child.
  external: ['vitest', 'tsx'],
  keepNames: true,
  plugins: [unbundledUrls],
  write: false,
  logLevel: 'warning',
});

for (const file of result.outputFiles) {
  const up = relative(dirname(file.path), out).split(sep).join('/');
  // The dist/ this file is in, and `require` for the CommonJS dependencies bundled in ESM.
  const prelude = [
    `const ${DIST} = new URL(${JSON.stringify(`${up || '.'}/`)}, import.meta.url);`,
    `import { createRequire as __natlabCreateRequire } from 'node:module';`,
    'const require = __natlabCreateRequire(import.meta.url);',
  ].join('\n');
  const shebang = file.text.startsWith('#!')
    ? `${file.text.slice(0, file.text.indexOf('\n'))}\n`
    : '';
  await mkdir(dirname(file.path), { recursive: true });
  await writeFile(file.path, `${shebang}${prelude}\n${file.text.slice(shebang.length)}`);
  if (shebang) await chmod(file.path, 0o755);
}
