// The contract between the host and src/cli/guest-run.ts: files in the directory both see.

import { join } from 'node:path';
import type { Capability } from '../scenario/define-scenario.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';

export interface GuestJob {
  /**
   * Each scenario as the host loaded and checked it, as JSON: the guest never loads a TypeScript
   * scenario file, so it needs no TypeScript loader (seconds of emulated CPU under TCG).
   */
  scenarios: LoadedScenario[];
  /** Modules the guest loads before the runs: what the host kernel would already have loaded. */
  modules: string[];
  /** Factor for natlab's bounds on its commands and programs (src/system/slowdown.ts). */
  slowdown: number;
}

export const JOB_FILE = 'job.json';

/** Where run `i` of the job leaves its output in the shared directory. */
export function runFiles(shared: string, i: number) {
  return {
    /** The run's JSON result, or the error object. */
    stdout: join(shared, `stdout-${i}.json`),
    /** The run's out directory: pcaps, result.json, report.html. */
    out: join(shared, `run-${i}`),
  };
}

/** Needs that no command autoloads: br_netfilter is only ever loaded by name. */
const NEED_MODULES: Partial<Record<Capability, string[]>> = {
  'br-netfilter': ['br_netfilter'],
};

export function modulesFor(needs: readonly Capability[]): string[] {
  return [...new Set(needs.flatMap((n) => NEED_MODULES[n] ?? []))];
}
