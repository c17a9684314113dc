// `natlab run <name> [--json --out DIR --keep]`, `--list`, `--doctor` (`npm run scenario` in the
// checkout). Takes argv as a parameter so tests can call it in-process. Exit codes: 0 pass, 1 check failed, 2 bad input or harness error,
// 4 skipped, 130 interrupted.

import { rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseIfaceMap } from '../candidates/load-candidate.ts';
import { NatlabError } from '../errors.ts';
import {
  ensureSbinOnPath,
  hasLabCapabilities,
  NEEDS_ROOT_MESSAGE,
} from '../preflight/check-environment.ts';
import { kernelRelease, probeCapabilities } from '../preflight/probe-capabilities.ts';
import { renderCandidateJunit, renderCandidateMatrix } from '../report/candidate-matrix.ts';
import { renderCapabilityTable } from '../report/capability-table.ts';
import { renderJunit } from '../report/junit-report.ts';
import { renderKernelComparison } from '../report/kernel-comparison.ts';
import type { Verdict } from '../report/scenario-result.ts';
import { glyphsFor, renderTerminalReport } from '../report/terminal-report.ts';
import { writeResultFiles } from '../report/write-result-files.ts';
import { checkOutputFile, makeRunDir, prepareOutDir } from '../run/output-dir.ts';
import { runCandidates } from '../run/run-candidates.ts';
import { checkJobs, MAX_JOBS } from '../run/run-many.ts';
import { type Backend, newRunId, runScenario } from '../run/run-scenario.ts';
import { CAPABILITIES } from '../scenario/define-scenario.ts';
import {
  LOAD_TIMEOUT_MS,
  type LoadedScenario,
  type LoadScenarioOptions,
  listScenarioNames,
  loadScenarios,
  SCENARIOS_DIR,
  tryLoadScenarios,
} from '../scenario/load-scenario.ts';
import { resolveTargets } from '../scenario/resolve-targets.ts';
import { type KernelSpec, parseKernelSpecs } from '../vm/kernel-spec.ts';
import { runOnKernels } from '../vm/run-on-kernels.ts';
import { decodeCommand } from './decode-command.ts';
import { endWithParent } from './end-with-parent.ts';
import { exitWhenInterruptStalls, listenForInterrupts } from './interrupts.ts';
import { progressPrinter } from './progress-printer.ts';
import { runManyCommand } from './run-many-command.ts';

export const EXIT = { pass: 0, fail: 1, error: 2, skip: 4, interrupted: 130 } as const;

const USAGE = `usage: natlab run <name> [--json] [--out DIR] [--keep]
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

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export async function main(argv: string[], io: Io = process): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    io.stderr.write(`natlab: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.error;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout.write(USAGE);
    return EXIT.pass;
  }
  const scenariosDir =
    values.scenarios === undefined ? SCENARIOS_DIR : fromUserDir(values.scenarios);
  // Every number the user typed is checked before anything else happens.
  let loading: LoadScenarioOptions;
  try {
    loading = {
      timeoutMs: seconds(values['load-timeout'], '--load-timeout', LOAD_TIMEOUT_MS / 1000) * 1000,
    };
    seconds(values['vm-timeout'], '--vm-timeout', 300);
  } catch (error) {
    return reportError(error, '', false, io);
  }
  if (values.list) {
    const interrupts = listenForInterrupts(io.stderr);
    const signal = interrupts.signal;
    return listScenarios(io, scenariosDir, { ...loading, signal }).finally(interrupts.dispose);
  }
  const pcap = values.decode ?? values.flows;
  if (pcap !== undefined) {
    try {
      await decodeCommand(fromUserDir(pcap), io, { frames: values.decode !== undefined });
      return EXIT.pass;
    } catch (error) {
      return reportError(error, pcap, false, io);
    }
  }
  if (values.doctor) return doctor(values.json === true, io);
  // Any kernel but the host's alone: each kernel runs every scenario named.
  const onKernels = values.kernel !== undefined && values.kernel.join() !== 'host';
  if (positionals.length === 0 && (onKernels || values.filter === undefined)) {
    io.stderr.write(`natlab: name at least one scenario (got 0)\n\n${USAGE}`);
    return EXIT.error;
  }
  const name = positionals.join(' ') || 'scenarios';
  let paths: OutputPaths;
  try {
    paths = await checkOutputPaths(values);
  } catch (error) {
    return reportError(error, name, values.json === true, io);
  }

  const interrupts = listenForInterrupts(io.stderr);
  try {
    if (onKernels) {
      const specs = parseKernelSpecs(values.kernel, process.env.INIT_CWD ?? '.');
      const scenarios = await loadScenarios(positionals, scenariosDir, {
        ...loading,
        signal: interrupts.signal,
      });
      return await runKernels(scenarios, specs, values, paths, interrupts.signal, io);
    }
    const scenarios = await resolveTargets(positionals, {
      scenariosDir,
      cwd: fromUserDir('.'),
      filters: values.filter,
      load: { ...loading, signal: interrupts.signal },
    });
    const [scenario] = scenarios;
    if (scenarios.length > 1 || values.jobs !== undefined || !scenario) {
      return EXIT[await several(scenarios, values, paths, interrupts.signal, io)];
    }
    if (values.ruleset) {
      return await candidates(scenario, values, paths, interrupts.signal, io);
    }
    const backend = parseBackend(values.backend);
    if (backend === 'mininet' && values.keep) {
      throw new NatlabError(
        '--keep needs the netns backend: Mininet deletes its links when its driver stops, and the driver stops with natlab',
        { code: 'BAD_INPUT', stage: 'cli' },
      );
    }
    const result = await runScenario({
      scenario,
      backend,
      outDir: paths.out,
      keep: values.keep,
      signal: interrupts.signal,
      progress: progressPrinter(io.stderr),
    });
    // A signal during the teardown still means the user stopped the run: exit 130, and a
    // directory natlab chose goes, as after any interrupted run.
    if (interrupts.signal.aborted) {
      if (!paths.out && result.outDir) await rm(result.outDir, { recursive: true, force: true });
      interrupts.signal.throwIfAborted();
    }
    await writeResultFiles(result, { junit: paths.junit });
    if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else io.stdout.write(renderTerminalReport(result, glyphsFor(io.stdout.isTTY === true)));
    return EXIT[result.verdict];
  } catch (error) {
    if (interrupts.signal.aborted) {
      io.stderr.write('natlab: interrupted; everything this run created was removed\n');
      return EXIT.interrupted;
    }
    if (paths.junit) {
      const reason = error instanceof Error ? error.message : String(error);
      const failed = {
        scenario: name,
        verdict: 'error' as const,
        reason,
        checks: [],
        durationMs: 0,
      };
      await writeFile(paths.junit, renderJunit(failed)).catch(() => undefined);
    }
    return reportError(error, name, values.json === true, io);
  } finally {
    interrupts.dispose();
  }
}

type Values = ReturnType<typeof parse>['values'];

/** --out and --junit, resolved and checked before anything loads or is built. */
interface OutputPaths {
  out?: string;
  junit?: string;
}

async function checkOutputPaths(values: Values): Promise<OutputPaths> {
  const base = process.env.INIT_CWD ?? '.';
  return {
    out: values.out === undefined ? undefined : await prepareOutDir(values.out, base),
    junit:
      values.junit === undefined ? undefined : await checkOutputFile(values.junit, base, '--junit'),
  };
}

async function several(
  scenarios: LoadedScenario[],
  values: Values,
  paths: OutputPaths,
  signal: AbortSignal,
  io: Io,
): Promise<Verdict> {
  const alone = (['ruleset', 'keep'] as const).find((o) => values[o] !== undefined && values[o]);
  if (alone) {
    throw new NatlabError(`--${alone} takes one scenario, and ${scenarios.length} are named`, {
      code: 'BAD_INPUT',
      stage: 'cli',
    });
  }
  return runManyCommand({
    scenarios,
    jobs: checkJobs(values.jobs ?? 1),
    outDir: paths.out,
    backend: parseBackend(values.backend),
    json: values.json,
    junit: paths.junit,
    signal,
    io,
  });
}

function parseBackend(value: string | undefined): Backend {
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

/** npm runs scripts from the package root; paths the user typed are relative to where they were. */
function fromUserDir(path: string): string {
  return resolve(process.env.INIT_CWD ?? '.', path);
}

async function candidates(
  scenario: LoadedScenario,
  values: Values,
  paths: OutputPaths,
  signal: AbortSignal,
  io: Io,
): Promise<number> {
  // Before the directory: a malformed map must not leave it behind.
  const ifaceMap = parseIfaceMap(values['iface-map']);
  // One directory for all candidates, printed, like a single run's.
  const outDir = paths.out ?? (await makeRunDir(`${scenario.name}-candidates`));
  // A directory natlab chose is named only in a result; without one, nobody would find it.
  const dropOutDir = () => (paths.out ? undefined : rm(outDir, { recursive: true, force: true }));
  const runs = await runCandidates({
    scenario,
    files: (values.ruleset ?? []).map((f) => fromUserDir(f)),
    ifaceMap,
    outDir,
    signal,
    progress: progressPrinter(io.stderr),
    onCandidate: (c, i, n) => io.stderr.write(`candidate ${i + 1}/${n}: ${c.name} (${c.format})\n`),
  }).catch(async (error: unknown) => {
    await dropOutDir();
    throw error;
  });
  if (signal.aborted) {
    await dropOutDir();
    signal.throwIfAborted();
  }
  const passed = runs.filter((r) => r.result.verdict === 'pass').length;
  const ok = values['require-all'] ? passed === runs.length : passed > 0;
  for (const { result } of runs) await writeResultFiles(result);
  if (paths.junit) await writeFile(paths.junit, renderCandidateJunit(runs));
  if (values.json) {
    const candidates = runs.map(({ candidate, result }) => ({
      ruleset: candidate.file,
      format: candidate.format,
      ...(candidate.format !== candidate.ruleset.format
        ? { translated: candidate.ruleset.text }
        : {}),
      verdict: result.verdict,
      reason: result.reason,
      checks: result.checks,
      probes: result.probes,
      diagnosis: result.diagnosis,
      outDir: result.outDir,
    }));
    const verdict = ok ? 'pass' : 'fail';
    io.stdout.write(
      `${JSON.stringify({ scenario: scenario.name, verdict, candidates, outDir }, null, 2)}\n`,
    );
  } else {
    io.stdout.write(
      renderCandidateMatrix(scenario.name, runs, glyphsFor(io.stdout.isTTY === true)),
    );
    io.stdout.write(`\npcaps and results of each candidate: ${outDir}\n`);
  }
  // A candidate natlab could not judge (its addresses are not the scenario's) is bad input.
  if (runs.some((r) => r.result.verdict === 'error')) return EXIT.error;
  return ok ? EXIT.pass : EXIT.fail;
}

async function runKernels(
  scenarios: LoadedScenario[],
  specs: KernelSpec[],
  values: Values,
  paths: OutputPaths,
  signal: AbortSignal,
  io: Io,
): Promise<number> {
  const alone = ['ruleset', 'keep', 'junit', 'backend'] as const;
  const clash = alone.find((o) => values[o] !== undefined && values[o] !== false);
  if (clash) {
    throw new NatlabError(`--${clash} cannot be combined with --kernel (other than host alone)`, {
      code: 'BAD_INPUT',
      stage: 'cli',
    });
  }
  const run = await runOnKernels({
    scenarios,
    specs,
    outDir: paths.out,
    vmTimeoutPerScenarioMs: seconds(values['vm-timeout'], '--vm-timeout', 300) * 1000,
    append: (values['kernel-append'] ?? '').split(' ').filter(Boolean),
    signal,
    progress: progressPrinter(io.stderr),
    say: (line) => io.stderr.write(`${line}\n`),
  });
  const glyphs = glyphsFor(io.stdout.isTTY === true);
  if (values.json) {
    // One scenario: {scenario, verdict, kernels}; several: {verdict, scenarios: [...]}.
    const [only] = run.scenarios;
    const json =
      run.scenarios.length === 1 && only
        ? only
        : { verdict: run.verdict, scenarios: run.scenarios };
    io.stdout.write(`${JSON.stringify({ ...json, outDir: run.outDir }, null, 2)}\n`);
    return EXIT[run.verdict];
  }
  for (const [i, scenario] of run.scenarios.entries()) {
    for (const [k, kernel] of scenario.kernels.entries()) {
      io.stdout.write(
        `\n${glyphs.bold(`=== ${scenario.scenario} on kernel ${kernel.kernel} (${kernel.release}, ${kernel.ranOn}) ===`)}\n`,
      );
      const full = run.results[i]?.[k];
      if (full) io.stdout.write(renderTerminalReport(full, glyphs));
      // An error's message carries the command, stderr and the guest's console tail: all of it.
      else if (kernel.reason) io.stdout.write(`\n${kernel.reason.replace(/^/gm, '  ')}\n`);
    }
    io.stdout.write(renderKernelComparison(scenario, glyphs));
  }
  io.stdout.write(`\nResults per scenario and kernel in ${run.outDir}\n`);
  return EXIT[run.verdict];
}

/** A number of seconds the user typed, or the default when the option is absent. */
function seconds(text: string | undefined, option: string, fallback: number): number {
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

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
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
    },
  });
}

/** The good scenarios on stdout; each broken one named on stderr with its error, then exit 2. */
async function listScenarios(io: Io, dir: string, options: LoadScenarioOptions): Promise<number> {
  try {
    const names = await listScenarioNames(dir);
    if (names.length === 0) {
      io.stderr.write(`natlab: no scenario files (NAME.ts) in ${dir}\n`);
      return EXIT.error;
    }
    const outcomes = await tryLoadScenarios(names, dir, options);
    const width = Math.max(...names.map((n) => n.length));
    for (const outcome of outcomes) {
      if (outcome.ok) {
        io.stdout.write(`${outcome.name.padEnd(width)}  ${outcome.scenario.def.description}\n`);
      } else io.stderr.write(`natlab: ${outcome.error.message}\n`);
    }
    return outcomes.every((o) => o.ok) ? EXIT.pass : EXIT.error;
  } catch (error) {
    if (options.signal?.aborted) return EXIT.interrupted;
    return reportError(error, '', false, io);
  }
}

async function doctor(json: boolean, io: Io): Promise<number> {
  if (!(await hasLabCapabilities())) {
    io.stderr.write(`natlab: ${NEEDS_ROOT_MESSAGE}\n`);
    return EXIT.error;
  }
  ensureSbinOnPath();
  const results = await probeCapabilities(CAPABILITIES, { runId: newRunId() });
  const kernel = kernelRelease();
  if (json) io.stdout.write(`${JSON.stringify({ kernel, capabilities: results }, null, 2)}\n`);
  else io.stdout.write(renderCapabilityTable(kernel, results, glyphsFor(io.stdout.isTTY === true)));
  return EXIT.pass;
}

function reportError(error: unknown, scenario: string, json: boolean, io: Io): number {
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    const result = {
      scenario,
      verdict: 'error',
      reason: message,
      checks: [],
      probes: [],
      captures: [],
    };
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
  // A user error gets its message only; a harness failure keeps its stack for the bug report.
  const text = error instanceof NatlabError ? message : (error as Error).stack;
  io.stderr.write(`natlab: ${text ?? message}\n`);
  return EXIT.error;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  exitWhenInterruptStalls();
  endWithParent();
  process.exitCode = await main(process.argv.slice(2));
}
