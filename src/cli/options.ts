// The command line of `natlab run` (and `list`, `doctor`): its option table, its usage text, and
// what each option's value must be. Values are checked here before anything loads or is built.

import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { NatlabError } from '../errors.ts';
import { MAX_JOBS } from '../run/jobs.ts';
import { checkOutputFile, prepareOutDir } from '../run/output-dir.ts';
import type { Backend } from '../run/run-scenario.ts';
import type { Io } from './exit.ts';

export const USAGE = `usage: natlab run <name> [--json] [--out DIR] [--keep]
       natlab run <name|dir|file.ts>... [--jobs N] [--filter PATTERN]
       natlab run <name>... --kernel K [--kernel K2]
       natlab list
       natlab doctor
  In natlab's checkout: npm run scenario <name> -- [options] (npm needs the --),
  npm run scenario -- --list, npm run scenario -- --doctor

  --json       print the result as JSON on stdout, and nothing else there
  --out DIR    keep pcaps, result.json and report.html in DIR (default: a fresh directory, printed)
  --keep       leave the lab up after the run; remove it with npm run clean
  --list       list the scenarios
  --doctor     test which kernel and userland features this machine has
  --ruleset F  run once per candidate ruleset file (repeat it), in place of the NAT node's own;
               iptables-restore, nft, RouterOS export (.rsc), OpenWrt /etc/config/firewall,
               iptables or ebtables command lines
  --iface-map WAN=wan0,lan=lan0   RouterOS interface names and OpenWrt network names, mapped to
               the NAT node's interfaces
  --require-all  with --ruleset: exit 0 only when every candidate passes (default: any one)
  --junit FILE write a JUnit XML report: a testsuite per scenario (per candidate with --ruleset),
               a testcase per check
  --jobs N     with several scenarios: run N at once (default 1, at most ${MAX_JOBS})
  --filter P   run only the scenarios whose name matches P: a glob (hairpin-*) or a part of the
               name; repeat it for several. Without a scenario named, picks from the whole set
  --backend B      who builds the lab: netns (natlab itself, the default) or mininet
  --scenarios DIR  take scenarios from DIR (your own suite) instead of natlab's scenarios/
  --kernel K       run on kernel K: host (default), debian-6.1 or debian-6.12 (fetched from
                   Debian's packages), or IMAGE[:MODULES_DIR]; repeat it to compare kernels side by side. Any kernel
                   but host boots a throwaway qemu VM that runs the scenarios inside (name
                   several scenarios to run them all in one boot per kernel)
  --load-timeout S  seconds a scenario file may take to load (default 20)
  --vm-timeout S   with --kernel: seconds per scenario a VM may take, boot to power-off (default 300)
  --kernel-append A  with --kernel: extra words for the guest kernel's command line
  --decode FILE    print every frame of a pcap as natlab decodes it, then its flows
  --flows FILE     only the flows of a pcap: packets and bytes per conversation
`;

const RUN_OPTIONS = {
  json: { type: 'boolean', default: false },
  out: { type: 'string' },
  keep: { type: 'boolean', default: false },
  list: { type: 'boolean', default: false },
  doctor: { type: 'boolean', default: false },
  ruleset: { type: 'string', multiple: true },
  'iface-map': { type: 'string' },
  'require-all': { type: 'boolean', default: false },
  junit: { type: 'string' },
  jobs: { type: 'string' },
  filter: { type: 'string', multiple: true },
  scenarios: { type: 'string' },
  backend: { type: 'string' },
  kernel: { type: 'string', multiple: true },
  'vm-timeout': { type: 'string' },
  'load-timeout': { type: 'string' },
  'kernel-append': { type: 'string' },
  decode: { type: 'string' },
  flows: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies OptionTable;

type OptionTable = NonNullable<ParseArgsConfig['options']>;
type CommandLine<O extends OptionTable> = {
  args: string[];
  allowPositionals: true;
  strict: true;
  options: O;
};
type ParsedCommandLine<O extends OptionTable> = ReturnType<typeof parseArgs<CommandLine<O>>>;

/** Any natlab command's argv against its option table: positionals allowed, unknown options not. */
export function parseCommandLine<O extends OptionTable>(
  argv: string[],
  options: O,
): ParsedCommandLine<O> {
  return parseArgs<CommandLine<O>>({ args: argv, allowPositionals: true, strict: true, options });
}

export function parseRunArgs(argv: string[]): ParsedCommandLine<typeof RUN_OPTIONS> {
  return parseCommandLine(argv, RUN_OPTIONS);
}

export type RunValues = ReturnType<typeof parseRunArgs>['values'];

/** npm runs scripts from the package root; paths the user typed are relative to where they were. */
export function fromUserDir(path: string): string {
  return resolve(process.env.INIT_CWD ?? '.', path);
}

/** A number of seconds the user typed, or the default when the option is absent. */
export function seconds(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > 86_400) {
    throw new NatlabError(`${option} must be a number of seconds from 0 to 86400, not "${text}"`, {
      code: 'BAD_INPUT',
      stage: 'cli',
    });
  }
  return value;
}

export function parseBackend(value: string | undefined): Backend {
  if (value === undefined || value === 'netns' || value === 'mininet') return value ?? 'netns';
  if (value === 'ovs' || value === 'openvswitch') {
    throw new NatlabError(
      'Open vSwitch cannot be used here: this kernel has no openvswitch module. Use --backend mininet, whose switches are Linux bridges',
      { code: 'BAD_INPUT', stage: 'cli' },
    );
  }
  throw new NatlabError(`--backend must be netns or mininet, not "${value}"`, {
    code: 'BAD_INPUT',
    stage: 'cli',
  });
}

/** What every way of running scenarios takes from the command line. */
export interface RunContext {
  values: RunValues;
  paths: OutputPaths;
  signal: AbortSignal;
  io: Io;
}

/** --out and --junit, resolved and checked before anything loads or is built. */
export interface OutputPaths {
  out?: string;
  junit?: string;
}

export async function checkOutputPaths(values: RunValues): Promise<OutputPaths> {
  const base = process.env.INIT_CWD ?? '.';
  return {
    out: values.out === undefined ? undefined : await prepareOutDir(values.out, base),
    junit:
      values.junit === undefined ? undefined : await checkOutputFile(values.junit, base, '--junit'),
  };
}
