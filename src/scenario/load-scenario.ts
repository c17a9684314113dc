// Finds scenario files under scenarios/ and loads their default export, in a child process with a
// deadline (import-in-child.ts), so no scenario file can hang or crash natlab while it loads.

import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NatlabError } from '../errors.ts';
import { readInputFile } from '../system/read-input-file.ts';
import type { ScenarioDef } from './define-scenario.ts';
import { importInChild } from './import-in-child.ts';

export const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios', import.meta.url));

/** How long one scenario file may take to load, by default. */
export const LOAD_TIMEOUT_MS = 20_000;

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** A scenario file is a few kilobytes; anything near this is not one. */
const MAX_SCENARIO_BYTES = 1024 * 1024;

export interface LoadedScenario {
  name: string;
  file: string;
  def: ScenarioDef;
}

export interface LoadScenarioOptions {
  /** Per file. */
  timeoutMs?: number;
  /** Kills the loading child (SIGINT). */
  signal?: AbortSignal;
}

/** One named scenario, loaded or refused. */
export type ScenarioOutcome =
  | { name: string; ok: true; scenario: LoadedScenario }
  | { name: string; ok: false; error: NatlabError };

export async function listScenarioNames(dir = SCENARIOS_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: Error) => {
    throw new NatlabError(`cannot read the scenario directory ${dir}: ${error.message}`, {
      code: 'BAD_INPUT',
      stage: 'scenario',
    });
  });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => e.name.slice(0, -3))
    .filter((name) => NAME_PATTERN.test(name))
    .sort();
}

export async function loadScenario(
  name: string,
  dir = SCENARIOS_DIR,
  options: LoadScenarioOptions = {},
): Promise<LoadedScenario> {
  const [scenario] = await loadScenarios([name], dir, options);
  if (!scenario) throw new Error('loadScenarios returned nothing');
  return scenario;
}

/** Several scenarios in one child process; the first that fails to load is thrown. */
export async function loadScenarios(
  names: readonly string[],
  dir = SCENARIOS_DIR,
  options: LoadScenarioOptions = {},
): Promise<LoadedScenario[]> {
  return (await tryLoadScenarios(names, dir, options)).map((outcome) => {
    if (!outcome.ok) throw outcome.error;
    return outcome.scenario;
  });
}

/** Each scenario's outcome, so one broken file does not hide the others (--list). */
export async function tryLoadScenarios(
  names: readonly string[],
  dir = SCENARIOS_DIR,
  { timeoutMs = LOAD_TIMEOUT_MS, signal }: LoadScenarioOptions = {},
): Promise<ScenarioOutcome[]> {
  const known = await listScenarioNames(dir);
  const checked = await Promise.all(names.map((name) => checkFile(name, dir, known)));
  const files = checked.flatMap((c) => (typeof c === 'string' ? [c] : []));
  const imported = await importInChild(files, { timeoutMs, signal });
  // Imported here, not at the top: the child starts before the schema library has to load.
  const { validateScenario } = await import('./validate-scenario.ts');
  return names.map((name, i): ScenarioOutcome => {
    const file = checked[i];
    if (file instanceof NatlabError) return { name, ok: false, error: file };
    const outcome = imported[files.indexOf(file ?? '')];
    if (!outcome || file === undefined) throw new Error(`no outcome for scenario ${name}`);
    if (!outcome.ok) {
      const error = invalid(
        `scenario "${name}" failed to load (${file}): ${outcome.error}${hintFor(outcome.error)}`,
      );
      return { name, ok: false, error };
    }
    try {
      return { name, ok: true, scenario: toScenario(name, file, outcome.value, validateScenario) };
    } catch (error) {
      return { name, ok: false, error: error as NatlabError };
    }
  });
}

/** The file of a scenario name, or why there is none that natlab may load. */
async function checkFile(
  name: string,
  dir: string,
  known: string[],
): Promise<string | NatlabError> {
  // Names are checked against the directory listing, so a path can never reach import().
  if (/[/\\]|^\./.test(name)) {
    return new NatlabError(
      `"${name}" is a path; name a scenario file in ${dir} without its .ts (e.g. hairpin-broken)`,
      { code: 'UNKNOWN_SCENARIO', stage: 'scenario' },
    );
  }
  const file = join(dir, `${name}.ts`);
  // A listed file, or one that is there but not a regular file (a FIFO would block the import).
  const there =
    known.includes(name) ||
    (await lstat(file).then(
      () => true,
      () => false,
    ));
  if (!there) {
    return new NatlabError(`unknown scenario "${name}"; known scenarios: ${known.join(', ')}`, {
      code: 'UNKNOWN_SCENARIO',
      stage: 'scenario',
    });
  }
  return readInputFile(file, {
    what: 'scenario file',
    maxBytes: MAX_SCENARIO_BYTES,
    stage: 'scenario',
    code: 'INVALID_SCENARIO',
  }).then(
    () => file,
    (error: NatlabError) => error,
  );
}

function toScenario(
  name: string,
  file: string,
  def: unknown,
  validate: (def: unknown, name: string) => ScenarioDef,
): LoadedScenario {
  if (!def || typeof def !== 'object' || !('nodes' in def) || !('links' in def)) {
    throw invalid(
      `scenario "${name}" must export default defineScenario({ description, nodes, links, ... })`,
    );
  }
  return { name, file, def: validate(def, name) };
}

function invalid(message: string): NatlabError {
  return new NatlabError(message, { code: 'INVALID_SCENARIO', stage: 'scenario' });
}

/** The fix for a scenario outside any project that has natlab installed. */
function hintFor(error: string): string {
  if (!/Cannot find (module|package) 'natlab'/.test(error)) return '';
  return '\nScenario files import natlab from the project they are in: install natlab there (npm install --save-dev with its tarball, git URL or path: see the README)';
}

/** A catalog scenario by name, or any scenario file by its path (one with a slash in it). */
export function loadScenarioNamed(nameOrPath: string): Promise<LoadedScenario> {
  if (!nameOrPath.includes('/')) return loadScenario(nameOrPath);
  const file = resolve(nameOrPath);
  return loadScenario(basename(file, '.ts'), dirname(file));
}
