// The run pipeline: the only module that knows the order of the stages.

import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { analyseRun } from '../analyse/analyse-run.ts';
import { directionResolver } from '../analyse/packet-direction.ts';
import { cleanDeadRuns } from '../backend/clean-runs.ts';
import { buildMininetTopology } from '../backend/mininet/build-mininet.ts';
import { buildNetnsTopology } from '../backend/netns/build-netns.ts';
import { startCaptures } from '../capture/start-captures.ts';
import { evaluateChecks } from '../check/evaluate-checks.ts';
import { readCaptures } from '../decode/read-captures.ts';
import { NatlabError } from '../errors.ts';
import { readKernelState } from '../kernel-state/read-kernel-state.ts';
import { planTopology } from '../plan/plan-topology.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import {
  ensureSbinOnPath,
  findMissingTools,
  hasLabCapabilities,
  NEEDS_ROOT_MESSAGE,
  toolsFor,
} from '../preflight/check-environment.ts';
import { kernelRelease, probeCapabilities, unmetNeeds } from '../preflight/probe-capabilities.ts';
import {
  resultWithoutRun,
  type ScenarioResult,
  type StepTiming,
  summarizeTopology,
} from '../report/scenario-result.ts';
import { applyRulesets } from '../rulesets/apply-rulesets.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { validateScenario } from '../scenario/validate-scenario.ts';
import { startServices } from '../services/start-services.ts';
import { settleAll } from '../system/settle-all.ts';
import { TeardownStack } from '../system/teardown-stack.ts';
import { runProbes } from '../traffic/run-probes.ts';
import { type Storm, type StormGuard, startStormGuard } from '../traffic/storm-guard.ts';
import { makeRunDir } from './output-dir.ts';

export type StepName =
  | 'plan'
  | 'build'
  | 'rules'
  | 'capture'
  | 'traffic'
  | 'kernel'
  | 'decode'
  | 'analyse'
  | 'checks'
  | 'teardown';

export interface ProgressListener {
  stepStarted(step: StepName): void;
  stepFinished(step: StepName, ms: number, summary: string): void;
}

export interface RunScenarioOptions {
  scenario: LoadedScenario;
  outDir?: string;
  /** Leave namespaces and rules up after the run; `npm run clean` removes them. */
  keep?: boolean;
  signal?: AbortSignal;
  progress?: ProgressListener;
  /** Chosen by the caller to find the run's namespaces (tests); random otherwise. */
  runId?: string;
  /** Who builds the nodes and links: natlab itself (default) or Mininet. */
  backend?: Backend;
}

export type Backend = 'netns' | 'mininet';

export function newRunId(): string {
  return randomBytes(4).toString('hex').slice(0, 6);
}

export async function runScenario({
  scenario,
  outDir,
  keep = false,
  signal,
  progress,
  runId = newRunId(),
  backend = 'netns',
}: RunScenarioOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const timings: StepTiming[] = [];
  // The run stops on the caller's signal (SIGINT), its own storm guard, or a backend that died.
  const stop = new AbortController();
  const runSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  // Every child process listens for the abort; one per capture point at once is expected, not a leak.
  setMaxListeners(1000, runSignal);
  const step: StepRunner = async (name, work, summary) => {
    // Teardown must run even after an interrupt; every other step stops there.
    if (name !== 'teardown') runSignal.throwIfAborted();
    progress?.stepStarted(name);
    const t0 = performance.now();
    const value = await work();
    const ms = Math.round(performance.now() - t0);
    timings.push({ step: name, ms });
    progress?.stepFinished(name, ms, summary(value));
    return value;
  };

  const plan = await step(
    'plan',
    // Checked again here: a definition handed to the API never went through the loader.
    async () =>
      planTopology(validateScenario(scenario.def, scenario.name), {
        scenario: scenario.name,
        runId,
      }),
    (p) =>
      `run ${runId}: ${p.nodes.length} nodes, ${p.links.length} links, ${p.captures.length} capture points`,
  );
  const base = resultWithoutRun({
    scenario: scenario.name,
    description: plan.description,
    runId,
    verdict: 'skip',
    kernel: kernelRelease(),
    topology: summarizeTopology(plan),
    timings,
    durationMs: 0,
  });
  const finish = (result: ScenarioResult) => ({
    ...result,
    durationMs: Math.round(performance.now() - started),
  });

  if (!(await hasLabCapabilities())) {
    throw new NatlabError(NEEDS_ROOT_MESSAGE, { code: 'NEEDS_ROOT', stage: 'preflight' });
  }
  ensureSbinOnPath();
  const missing = await findMissingTools(toolsFor(plan));
  if (missing.length > 0) {
    return finish({
      ...base,
      reason: `missing tools: ${missing.join(', ')} (run natlab setup as root to install them)`,
    });
  }
  await cleanDeadRuns({ includeKept: false });
  const needs = backend === 'mininet' ? [...plan.needs, 'mininet' as const] : plan.needs;
  const capabilities = await probeCapabilities(needs, { runId });
  const unmet = unmetNeeds(capabilities);
  if (unmet) return finish({ ...base, capabilities, reason: unmet });
  base.capabilities = capabilities;
  const dir = outDir ? resolve(outDir) : await makeRunDir(scenario.name);
  await mkdir(dir, { recursive: true });
  base.outDir = dir;

  const guard: { current?: StormGuard } = {};
  // Processes are always stopped; the lab itself survives --keep.
  const processes = new TeardownStack();
  const lab = new TeardownStack();
  let outcome: { ok: true; result: ScenarioResult } | { ok: false; error: unknown };
  try {
    const { enter, ...result } = await runStages(plan, {
      processes,
      lab,
      dir,
      signal: runSignal,
      step,
      keep,
      guard,
      backend,
      onStorm: (storm) => stop.abort(storm),
      onBackendCrash: (error) => stop.abort(error),
    });
    outcome = {
      ok: true,
      result: {
        ...base,
        ...result,
        kept: keep ? plan.nodes.map((n) => ({ node: n.name, enter: enter(n.name) })) : undefined,
      },
    };
  } catch (error) {
    // A backend or capture that died is the cause; the step it interrupted only reports "interrupted".
    const crash = stop.signal.reason;
    outcome = { ok: false, error: crash instanceof NatlabError ? crash : error };
  }
  const storm = guard.current?.storm();
  if (storm)
    outcome = { ok: true, result: stormResult(base, storm, plan.stormGuard.maxPacketsPerSecond) };
  const failures = await step(
    'teardown',
    async () => [...(await processes.unwind()), ...(keep ? [] : await lab.unwind())],
    (f) =>
      f.length > 0
        ? `${f.length} step(s) failed`
        : keep
          ? 'processes stopped, lab kept'
          : 'all removed',
  );
  // Something left behind outranks whatever else went wrong: the user must hear of it.
  if (failures.length > 0) {
    throw new NatlabError(
      `failed to tear down run ${runId}: ${failures.map((f) => f.label).join(', ')}; npm run clean removes what is left`,
      {
        code: 'COMMAND_FAILED',
        stage: 'teardown',
        stderr: failures.map((f) => `${f.label}: ${String(f.error)}`).join('\n'),
        cause: outcome.ok ? undefined : outcome.error,
      },
    );
  }
  if (!outcome.ok) {
    // A directory natlab chose is only ever named in a result; without one, nobody would find it.
    if (!outDir) await rm(dir, { recursive: true, force: true });
    throw outcome.error;
  }
  return finish(outcome.result);
}

function stormResult(base: ScenarioResult, storm: Storm, bound: number): ScenarioResult {
  const where = `storm on ${storm.point}: ${storm.packetsPerSecond} packets/s, stopped ${storm.stoppedAfterMs} ms after the lab came up`;
  return {
    ...base,
    verdict: 'fail',
    checks: [
      {
        id: 'storm-guard',
        name: `storm guard: no link above ${bound} packets/s`,
        ok: false,
        detail: `${where}; its bridges were set down and everything torn down`,
      },
    ],
    diagnosis: [
      {
        rule: 'storm',
        summary: `${where}. Frames are circling: a loop between bridges, or ports reflecting frames back, with nothing (STP) to break it. natlab stopped the run before it could load the machine`,
        evidence: [`packet counters of ${storm.point} (/proc/net/dev), sampled every 100 ms`],
      },
    ],
  };
}

type StepRunner = <T>(
  name: StepName,
  work: () => Promise<T>,
  summary: (value: T) => string,
) => Promise<T>;

interface StageContext {
  processes: TeardownStack;
  lab: TeardownStack;
  dir: string;
  signal?: AbortSignal;
  step: StepRunner;
  keep: boolean;
  /** Set once the lab exists, so the caller can ask it about a storm after a failure. */
  guard: { current?: StormGuard };
  backend: Backend;
  onStorm: (storm: Storm) => void;
  /** A backend or a capture that died: the run stops with its error. */
  onBackendCrash: (error: NatlabError) => void;
}

async function runStages(
  plan: TopologyPlan,
  {
    processes,
    lab,
    dir,
    signal,
    step,
    keep,
    guard,
    backend,
    onStorm,
    onBackendCrash,
  }: StageContext,
) {
  const topology = await step(
    'build',
    () =>
      backend === 'mininet'
        ? buildMininetTopology(plan, { teardown: lab, signal, onCrash: onBackendCrash })
        : buildNetnsTopology(plan, { teardown: lab, signal }),
    () =>
      `${plan.nodes.length} namespaces (nl-${plan.runId}-*)${backend === 'mininet' ? ', built by Mininet' : ''}`,
  );
  // From the moment links are up, a bridge loop can storm: watch until the traffic ends.
  const stormGuard = await startStormGuard(topology, {
    maxPacketsPerSecond: plan.stormGuard.maxPacketsPerSecond,
    onStorm,
  });
  guard.current = stormGuard;
  processes.push('stop the storm guard', () => stormGuard.stop());
  // Captures and services need the lab, not its rules: they start while the rules load, and the
  // capture step then waits for what is left (every tcpdump listening, every service serving).
  const starting = settleAll([
    startCaptures(topology, { outDir: dir, teardown: processes, onDeath: onBackendCrash }),
    startServices(topology, { teardown: processes, keep }),
  ]);
  starting.catch(() => undefined); // Awaited below on every path; never an unhandled rejection.
  const rulesets = await settledFirst(starting, () =>
    step(
      'rules',
      () => applyRulesets(topology),
      (r) => r.map((x) => `${x.node}: ${x.formats.join('+')}`).join(', ') || 'none',
    ),
  );
  const [capture] = await settledFirst(starting, () =>
    step(
      'capture',
      () => starting,
      ([c]) => {
        const services = plan.nodes.flatMap((n) =>
          n.services.map((s) => (s.kind === 'http' ? `http ${n.name}:${s.port}` : `dns ${n.name}`)),
        );
        return `tcpdump listening on ${c.points.length} interfaces; services: ${services.join(', ') || 'none'}`;
      },
    ),
  );
  const probes = await step(
    'traffic',
    () => runProbes(topology),
    (p) => p.map((x) => `${x.name} ${x.ok ? 'connected' : 'failed'}`).join(', ') || 'no probes',
  );
  await stormGuard.stop();
  const kernelState = await step(
    'kernel',
    () => readKernelState(topology),
    (k) =>
      k
        .map(
          (n) =>
            `${n.node}: ${n.conntrack.length} conntrack entries, ${n.counters.length} rule counters`,
        )
        .join('; ') || 'no rules',
  );
  const files = await capture.stop();
  const perFile = await step(
    'decode',
    () => readCaptures(files),
    (all) => `${all.reduce((n, p) => n + p.length, 0)} packets from ${all.length} pcaps`,
  );
  const packets = perFile.flat();
  const directionOf = directionResolver(plan, packets);
  const { byProbe, journeys, findings } = await step(
    'analyse',
    async () => analyseRun({ plan, probes, packets, directionOf, kernelState }),
    ({ journeys, findings }) =>
      `${journeys.reduce((n, j) => n + j.journeys.length, 0)} packet journeys in ${journeys.reduce((n, j) => n + j.connections.length, 0)} connections; ${findings.length} finding(s)`,
  );
  const checks = await step(
    'checks',
    async () => evaluateChecks({ plan, probes, packets, byProbe, directionOf, findings }),
    (c) => `${c.filter((x) => x.ok).length}/${c.length} held`,
  );
  return {
    verdict: checks.every((c) => c.ok) ? ('pass' as const) : ('fail' as const),
    checks,
    diagnosis: findings,
    kernelState,
    probes: probes.map((p, i) => ({
      name: p.name,
      from: p.from,
      to: p.to,
      expect: p.expect,
      ok: p.ok,
      serverSaw: p.serverSaw,
      error: p.error,
      startedAt: p.startedAt,
      journeys: journeys[i]?.journeys ?? [],
      connections: journeys[i]?.connections ?? [],
    })),
    captures: files.map((f, i) => ({
      node: f.point.node,
      iface: f.point.iface,
      file: f.file,
      packets: perFile[i]?.length ?? 0,
    })),
    rulesets: rulesets.map((r) => ({ node: r.node, dump: r.dump })),
    enter: topology.enterCommand,
  };
}

/** Runs `work`; when it fails, first lets `pending` settle, so nothing started there registers its teardown after the unwind. */
async function settledFirst<T>(pending: Promise<unknown>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await pending.catch(() => undefined);
    throw error;
  }
}
