// The contract between the host and src/vm/guest-run.ts: files in the directory both see.

import type { Capability } from '../scenario/define-scenario.ts';

export interface GuestJob {
  /** natlab CLI arguments, run inside the guest as they would be on the host. */
  argv: string[];
  /** Modules the guest loads before the run: what the host kernel would already have loaded. */
  modules: string[];
}

export const SHARED_FILES = {
  job: 'job.json',
  /** What the CLI printed on stdout: the --json result, or the error object. */
  stdout: 'stdout.json',
  exitCode: 'exit-code',
  /** The run's --out directory: pcaps, result.json, report.html. */
  run: 'run',
} as const;

/** Needs that no command autoloads: br_netfilter is only ever loaded by name. */
const NEED_MODULES: Partial<Record<Capability, string[]>> = {
  'br-netfilter': ['br_netfilter'],
};

export function modulesFor(needs: readonly Capability[]): string[] {
  return needs.flatMap((n) => NEED_MODULES[n] ?? []);
}
