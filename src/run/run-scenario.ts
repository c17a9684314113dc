// The run pipeline: the only module that knows the order of the stages.

import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { cleanDeadRuns } from '../backend/clean-runs.ts';
import { buildMininetTopology } from '../backend/mininet/build-mininet.ts';
import { buildNetnsTopology } from '../backend/netns/build-netns.ts';
import { startCaptures } from '../capture/start-captures.ts';
import { readCaptureFiles } from '../decode/read-captures.ts';
import { NatlabError } from '../errors.ts';
import { startConntrackEvents } from '../kernel-state/conntrack-events.ts';
import { kernelHealthSince, markKernelHealth } from '../kernel-state/kernel-health.ts';
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
import type { ScenarioResult, StepTiming } from '../report/scenario-result.ts';
import { applyRulesets } from '../rulesets/apply-rulesets.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { validateScenario } from '../scenario/validate-scenario.ts';
import { startServices } from '../services/start-services.ts';
import { settleAll } from '../system/settle-all.ts';
import { useSpawner } from '../system/spawner.ts';
import { TeardownStack } from '../system/teardown-stack.ts';
import { type Storm, type StormGuard, startStormGuard } from '../traffic/storm-guard.ts';
import { analyseCaptures } from './analyse-captures.ts';
import { baseResult, type LabOutcome, labResult } from './assemble-result.ts';
import { makeRunDir } from './output-dir.ts';
import {
  buildText,
  captureText,
  kernelStateText,
  planText,
  rulesetsText,
  teardownText,
} from './progress-text.ts';
import { runTraffic } from './run-steps.ts';
import { type ProgressListener, type StepRunner, stepTimer } from './step-timing.ts';

export type { ProgressListener, StepName } from './step-timing.ts';

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

export async function runScenario(options: RunScenarioOptions): Promise<ScenarioResult> {
  // Every command of the run starts through one spawner process, so none blocks this thread.
  const release = useSpawner();
  try {
    return await runHeld(options);
  } finally {
    release();
  }
}

async function runHeld({
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
  const step = stepTimer({ timings, progress, signal: runSignal });

  const plan = await step(
    'plan',
    // Checked again here: a definition handed to the API never went through the loader.
    () =>
      planTopology(validateScenario(scenario.def, scenario.name), {
        scenario: scenario.name,
        runId,
      }),
    planText,
  );
  const base = baseResult({ plan, kernel: kernelRelease(), timings });
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
    const kept = keep ? plan.nodes.map((n) => ({ node: n.name, enter: enter(n.name) })) : undefined;
    outcome = { ok: true, result: labResult(base, { ...result, kept }) };
  } catch (error) {
    // A backend or capture that died is the cause; the step it interrupted only reports "interrupted".
    const crash = stop.signal.reason;
    outcome = { ok: false, error: crash instanceof NatlabError ? crash : error };
  }
  const storm = guard.current?.storm();
  if (storm) {
    const analysis = await analyseCaptures({
      plan,
      probes: [],
      captures: [],
      kernelState: [],
      storm,
    });
    outcome = { ok: true, result: labResult(base, { analysis }) };
  }
  const failures = await step(
    'teardown',
    async () => [...(await processes.unwind()), ...(keep ? [] : await lab.unwind())],
    (f) => teardownText(f, keep),
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
): Promise<LabOutcome & { enter: (node: string) => string }> {
  // Only what the kernel logs from here on counts against this run.
  const healthMark = plan.kernelChecks.health
    ? await markKernelHealth({ teardown: processes })
    : undefined;
  const topology = await step(
    'build',
    () =>
      backend === 'mininet'
        ? buildMininetTopology(plan, { teardown: lab, signal, onCrash: onBackendCrash })
        : buildNetnsTopology(plan, { teardown: lab, signal }),
    () => buildText(plan, backend),
  );
  // From the moment links are up, a bridge loop can storm: watch until the traffic ends.
  const guarding = startStormGuard(topology, {
    maxPacketsPerSecond: plan.stormGuard.maxPacketsPerSecond,
    onStorm,
  }).then((stormGuard) => {
    guard.current = stormGuard;
    processes.push('stop the storm guard', () => stormGuard.stop());
    return stormGuard;
  });
  // The guard, captures and services need the lab, not its rules: they start while the rules load,
  // and the capture step then waits for what is left (every tcpdump listening, every service
  // serving, the guard watching).
  const starting = settleAll([
    startCaptures(topology, { outDir: dir, teardown: processes, onDeath: onBackendCrash }),
    startServices(topology, { teardown: processes, keep }),
    guarding,
  ]);
  starting.catch(() => undefined); // Awaited below on every path; never an unhandled rejection.
  const rulesets = await settledFirst(starting, () =>
    step('rulesets', () => applyRulesets(topology), rulesetsText),
  );
  const [capture, , stormGuard] = await settledFirst(starting, () =>
    step(
      'capture',
      () => starting,
      ([c]) => captureText(plan, c),
    ),
  );
  // Only asked for: a conntrack expectation over the whole run needs the entries destroyed before a read.
  const conntrackWatch = plan.kernelChecks.conntrack.some((c) => c.during === 'run')
    ? await startConntrackEvents(topology, { teardown: processes })
    : undefined;
  const { probes, steps } = await runTraffic({ topology, step });
  await stormGuard.stop();
  // After steps, the last step's read is the final state; only the health is left to read.
  const lastState = steps.at(-1)?.kernelState;
  const [lastRead, kernelHealth] = await step(
    'kernel-state',
    () =>
      settleAll([
        lastState ?? readKernelState(topology),
        healthMark ? kernelHealthSince(healthMark) : Promise.resolve(undefined),
      ]),
    ([state]) => kernelStateText(state),
  );
  const events = await conntrackWatch?.stop();
  const kernelState = events
    ? lastRead.map((k) => ({ ...k, conntrackEvents: events.get(k.node) }))
    : lastRead;
  const captures = await readCaptureFiles(await capture.stop());
  const analysis = await analyseCaptures({
    plan,
    probes,
    captures,
    kernelState,
    kernelHealth,
    steps,
    step,
  });
  return {
    analysis,
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
