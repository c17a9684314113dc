#!/usr/bin/env bash
# Compiles src/ to dist/ (natlab runs as JavaScript; tsx only loads users' scenario files): tsc writes
# the type declarations, scripts/bundle.mjs the JavaScript (entry points at their paths, shared code
# in dist/chunks/), and the other files natlab runs from there (mininet-driver.py, the guest's shell
# scripts) are copied to the same paths;
# and natlab's own scenarios/ to dist/scenarios/, which the loading child imports while it is current.
# --if-stale: only when something under src/, scenarios/ or a tsconfig changed since the last build, so a
# fresh dist costs one `find`. In an installed copy (no src/) there is nothing to build.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d src ]] || exit 0
stale() { [[ ! -f dist/.built || -n $(find src scenarios tsconfig*.json scripts/bundle.mjs -newer dist/.built -print -quit) ]]; }
if [[ "${1:-}" == "--if-stale" ]] && ! stale; then exit 0; fi
if [[ ! -x node_modules/.bin/tsc ]]; then
  # Also what `npm install ../natlab` meets on a checkout without its dependencies: npm links the
  # folder as it is and runs this build there.
  echo "natlab build: no TypeScript compiler in $PWD/node_modules: run npm ci in $PWD first" >&2
  exit 2
fi
# One build at a time: runs started together would otherwise swap dist under each other.
mkdir -p node_modules/.cache
exec 9>node_modules/.cache/natlab-build.lock
timeout 300 flock 9
if [[ "${1:-}" == "--if-stale" ]] && ! stale; then exit 0; fi
echo "natlab build: compiling src/ to dist/" >&2
next=$(mktemp -d dist.next.XXXXXX)
chmod 755 "$next"
trap 'rm -rf "$next"' EXIT
# Stamped before compiling: a source edited during the build is newer than the stamp.
mkdir "$next/scenarios"
touch "$next/.built" "$next/scenarios/.built"
# Declarations only (noCheck): `npm run typecheck` is what checks the types, in the tests and CI.
timeout 300 node_modules/.bin/tsc -p tsconfig.build.json --outDir "$next"
timeout 300 node scripts/bundle.mjs "$next"
timeout 300 node_modules/.bin/tsc -p tsconfig.scenarios.json --outDir "$next/scenarios"
(cd src && find . -type f ! -name '*.ts' ! -name '*.mjs' -exec cp --parents -p {} "../$next/" \;)
rm -rf dist.old
[[ ! -d dist ]] || mv dist dist.old
mv "$next" dist
rm -rf dist.old
