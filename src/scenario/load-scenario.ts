// Finds scenario files under scenarios/ and loads their default export.

import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NatlabError } from '../errors.ts';
import type { ScenarioDef } from './define-scenario.ts';

export const SCENARIOS_DIR = resolve(import.meta.dirname, '../../scenarios');

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

export interface LoadedScenario {
  name: string;
  file: string;
  def: ScenarioDef;
}

export async function listScenarioNames(dir = SCENARIOS_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: Error) => {
    throw new NatlabError(`cannot read the scenario directory ${dir}: ${error.message}`, {
      code: 'BAD_INPUT',
      stage: 'load',
    });
  });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => e.name.slice(0, -3))
    .filter((name) => NAME_PATTERN.test(name))
    .sort();
}

export async function loadScenario(name: string, dir = SCENARIOS_DIR): Promise<LoadedScenario> {
  const known = await listScenarioNames(dir);
  // Names are checked against the directory listing, so a path can never reach import().
  if (/[/\\]|^\./.test(name)) {
    throw new NatlabError(
      `"${name}" is a path; name a scenario file in ${dir} without its .ts (e.g. hairpin-broken)`,
      { code: 'UNKNOWN_SCENARIO', stage: 'load' },
    );
  }
  if (!known.includes(name)) {
    throw new NatlabError(`unknown scenario "${name}"; known scenarios: ${known.join(', ')}`, {
      code: 'UNKNOWN_SCENARIO',
      stage: 'load',
    });
  }
  const file = join(dir, `${name}.ts`);
  const module = (await import(pathToFileURL(file).href).catch((error: Error) => {
    throw new NatlabError(`scenario "${name}" failed to load (${file}): ${error.message}`, {
      code: 'INVALID_SCENARIO',
      stage: 'load',
    });
  })) as { default?: unknown };
  const def = module.default;
  if (!def || typeof def !== 'object' || !('nodes' in def) || !('links' in def)) {
    throw new NatlabError(
      `scenario "${name}" must export default defineScenario({ description, nodes, links, ... })`,
      { code: 'INVALID_SCENARIO', stage: 'load' },
    );
  }
  return { name, file, def: def as ScenarioDef };
}
