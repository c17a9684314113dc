// The contract between the host and src/vm/guest-run.ts: files in the directory both see.

import { join } from 'node:path';
import type { Capability } from '../scenario/define-scenario.ts';

export interface GuestJob {
  /** natlab CLI arguments per run, each run inside the guest as it would be on the host. */
  runs: string[][];
  /** Modules the guest loads before the runs: what the host kernel would already have loaded. */
  modules: string[];
}

export const JOB_FILE = 'job.json';

/** Where run `i` of the job leaves its output in the shared directory. */
export function runFiles(shared: string, i: number) {
  return {
    /** What the CLI printed on stdout: the --json result, or the error object. */
    stdout: join(shared, `stdout-${i}.json`),
    /** The run's --out directory: pcaps, result.json, report.html. */
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
