// Where the capture step's time goes, and what each way of capturing the same points would cost, on
// the hairpin-masquerade lab built by natlab (10 capture points in 6 namespaces): wall time until
// every capture listens, and the CPU its processes used (start and stop), median of the rounds.

import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildNetnsTopology } from '../src/backend/netns/build-netns.ts';
import type { Topology } from '../src/backend/topology.ts';
import { startCaptures, tcpdumpArgv } from '../src/capture/start-captures.ts';
import { planTopology } from '../src/plan/plan-topology.ts';
import { applyRulesets } from '../src/rulesets/apply-rulesets.ts';
import { loadScenario } from '../src/scenario/load-scenario.ts';
import { startServices } from '../src/services/start-services.ts';
import { settleAll } from '../src/system/settle-all.ts';
import { type RunningProcess, startProcess } from '../src/system/start-process.ts';
import { TeardownStack } from '../src/system/teardown-stack.ts';
import { childrenCpuMs, median } from './bench-commands.ts';

const ROUNDS = 7;
const LISTENING = { stream: 'stderr', pattern: /listening on/ } as const;

type Option = (topology: Topology, dir: string) => Promise<{ stop(): Promise<unknown> }>;

function processes(started: RunningProcess[]) {
  return { stop: () => settleAll(started.map((p) => p.stop())) };
}

const nsOf = (t: Topology, node: string) => t.plan.nodes.find((n) => n.name === node)?.netns ?? '';

const OPTIONS: [string, Option][] = [
  [
    'natlab: ip netns exec tcpdump per point, all at once',
    async (t, dir) =>
      startCaptures(t, { outDir: dir, teardown: new TeardownStack(), onDeath: () => {} }),
  ],
  [
    'the same, one after another',
    async (t, dir) => {
      const started: RunningProcess[] = [];
      for (const p of t.plan.captures) {
        const argv = [
          'ip',
          'netns',
          'exec',
          nsOf(t, p.node),
          ...tcpdumpArgv(p, join(dir, `${p.id}.pcap`)),
        ];
        started.push(
          await startProcess(argv, { action: 'capture', stage: 'capture', ready: LISTENING }),
        );
      }
      return processes(started);
    },
  ],
  [
    'nsenter --net tcpdump per point, all at once',
    async (t, dir) =>
      processes(
        await settleAll(
          t.plan.captures.map((p) =>
            startProcess(
              [
                `nsenter`,
                `--net=/run/netns/${nsOf(t, p.node)}`,
                ...tcpdumpArgv(p, join(dir, `${p.id}.pcap`)),
              ],
              { action: 'capture', stage: 'capture', ready: LISTENING },
            ),
          ),
        ),
      ),
  ],
  [
    'tcpdump -i any, one per namespace (no Ethernet header)',
    async (t, dir) =>
      processes(
        await settleAll(
          [...new Set(t.plan.captures.map((p) => p.node))].map((node) =>
            startProcess(
              [
                'ip',
                'netns',
                'exec',
                nsOf(t, node),
                'tcpdump',
                '-i',
                'any',
                '-w',
                join(dir, `${node}.pcap`),
                '-U',
                '--immediate-mode',
                '-n',
                '-Z',
                'root',
              ],
              { action: 'capture', stage: 'capture', ready: LISTENING },
            ),
          ),
        ),
      ),
  ],
  [
    'the wrapper alone: ip netns exec of a shell, per point',
    async (t) =>
      processes(
        await settleAll(
          t.plan.captures.map((p) =>
            startProcess(
              ['ip', 'netns', 'exec', nsOf(t, p.node), 'sh', '-c', 'echo up; exec sleep 30'],
              {
                action: 'wrapper',
                stage: 'capture',
                ready: { stream: 'stdout', pattern: /up/ },
              },
            ),
          ),
        ),
      ),
  ],
];

export async function captureBenchmark(out: string): Promise<void> {
  const scenario = await loadScenario('hairpin-masquerade');
  const plan = planTopology(scenario.def, { scenario: 'bench-capture', runId: 'bca0fe' });
  const lab = new TeardownStack();
  const dir = await mkdtemp(join(out, 'capture-'));
  try {
    const topology = await buildNetnsTopology(plan, { teardown: lab });
    console.log(
      `\ncapture step, hairpin-masquerade lab (${plan.captures.length} points in ${new Set(plan.captures.map((c) => c.node)).size} namespaces), median of ${ROUNDS} rounds:`,
    );
    console.log(`${'option'.padEnd(58)} until listening   CPU (start+stop)`);
    for (const [label, option] of OPTIONS) {
      const walls: number[] = [];
      const cpus: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const cpu0 = childrenCpuMs();
        const t0 = performance.now();
        const session = await option(topology, dir);
        walls.push(performance.now() - t0);
        await session.stop();
        cpus.push(childrenCpuMs() - cpu0);
      }
      console.log(
        `${label.padEnd(58)} ${`${median(walls).toFixed(0)} ms`.padStart(15)}   ${`${median(cpus).toFixed(0)} ms`.padStart(16)}`,
      );
    }
    await overlapBenchmark(topology, dir);
  } finally {
    await lab.unwind();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Rules, then captures and service (as before), against all three started together (natlab now). */
async function overlapBenchmark(topology: Topology, dir: string): Promise<void> {
  const round = async (together: boolean) => {
    const processes = new TeardownStack();
    const t0 = performance.now();
    const captures = () =>
      startCaptures(topology, { outDir: dir, teardown: processes, onDeath: () => {} });
    const services = () => startServices(topology, { teardown: processes, keep: false });
    if (together) await settleAll([applyRulesets(topology), captures(), services()]);
    else {
      await applyRulesets(topology);
      await settleAll([captures(), services()]);
    }
    const ms = performance.now() - t0;
    await processes.unwind();
    return ms;
  };
  const before: number[] = [];
  const now: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    before.push(await round(false));
    now.push(await round(true));
  }
  console.log(
    `rules, then captures + HTTP service (before): ${median(before).toFixed(0)} ms; all three at once (natlab now): ${median(now).toFixed(0)} ms`,
  );
}
