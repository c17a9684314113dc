// `natlab run DIR|FILE|NAME... [--filter PATTERN]`: what the user named, as the scenarios to run.
// A name of the scenario directory wins; otherwise an existing path: a directory gives every scenario
// in it, a .ts file that one scenario.

import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { NatlabError } from '../errors.ts';
import {
  type LoadedScenario,
  type LoadScenarioOptions,
  listScenarioNames,
  loadScenarios,
} from './load-scenario.ts';

export interface ResolveOptions {
  /** Where bare names are looked up (--scenarios, or natlab's own scenarios/). */
  scenariosDir: string;
  /** Where relative paths start: the directory the user typed the command in. */
  cwd: string;
  /** --filter: a scenario runs when its name matches any of them. */
  filters?: readonly string[];
  /** Bounds and interrupts the loading of the scenario files. */
  load?: LoadScenarioOptions;
}

export async function resolveTargets(
  targets: readonly string[],
  { scenariosDir, cwd, filters = [], load }: ResolveOptions,
): Promise<LoadedScenario[]> {
  const known = await listScenarioNames(scenariosDir);
  // With only --filter, the whole scenario directory is the candidate set.
  const named = targets.length > 0 ? targets : [scenariosDir];
  const found: { name: string; dir: string }[] = [];
  for (const target of named) {
    if (known.includes(target)) {
      found.push({ name: target, dir: scenariosDir });
      continue;
    }
    const path = resolve(cwd, target);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = await listScenarioNames(path);
      if (names.length === 0) throw bad(`${target} holds no scenario file (NAME.ts)`);
      found.push(...names.map((name) => ({ name, dir: path })));
    } else if (info?.isFile() && path.endsWith('.ts')) {
      found.push({ name: basename(path, '.ts'), dir: dirname(path) });
    } else if (/[/\\]|^\.|\.ts$/.test(target)) {
      throw new NatlabError(
        `"${target}" is neither a directory of scenarios nor a .ts scenario file (from ${cwd})`,
        { code: 'UNKNOWN_SCENARIO', stage: 'scenario' },
      );
    } else {
      throw new NatlabError(`unknown scenario "${target}"; known scenarios: ${known.join(', ')}`, {
        code: 'UNKNOWN_SCENARIO',
        stage: 'scenario',
      });
    }
  }
  const matchers = filters.map(nameMatcher);
  const picked = unique(found).filter(
    ({ name }) => matchers.length === 0 || matchers.some((m) => m(name)),
  );
  if (picked.length === 0) {
    throw bad(`no scenario matches --filter ${filters.join(', ')} among ${found.length} named`);
  }
  // One loading child per directory; the scenarios keep the order they were named in.
  const byDir = new Map<string, LoadedScenario[]>();
  for (const dir of new Set(picked.map((p) => p.dir))) {
    const names = picked.filter((p) => p.dir === dir).map((p) => p.name);
    byDir.set(dir, await loadScenarios(names, dir, load));
  }
  return picked.map(({ name, dir }) => {
    const scenario = byDir.get(dir)?.find((s) => s.name === name);
    if (!scenario) throw new Error(`scenario ${name} was not loaded from ${dir}`);
    return scenario;
  });
}

/** A pattern with * or ? is a glob over the whole name ("hairpin-*"); any other, a part of it. */
export function nameMatcher(pattern: string): (name: string) => boolean {
  if (!/[*?]/.test(pattern)) return (name) => name.includes(pattern);
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`);
  return (name) => regex.test(name);
}

/** The same file named twice (a name and its directory) runs once. */
function unique(found: { name: string; dir: string }[]): { name: string; dir: string }[] {
  const seen = new Set<string>();
  return found.filter(({ name, dir }) => {
    const key = resolve(dir, `${name}.ts`);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function bad(message: string): NatlabError {
  return new NatlabError(message, { code: 'BAD_INPUT', stage: 'scenario' });
}
