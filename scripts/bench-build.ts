// Topology build + teardown benchmark: one switch with N hosts, built and removed by natlab's netns
// backend, by plain `ip -batch` doing the same work, and by Mininet
// (`mn --switch lxbr --controller none --topo single,N --test none`).
//
// Mininet runs inside its own user, network, PID and mount namespaces (unshare): it never touches
// this machine's root network namespace, its global sysctls are refused (it raises kernel.pty.max
// otherwise), and its cleanup could only ever see its own processes.

import { execa } from 'execa';
import { buildMininetTopology } from '../src/backend/mininet/build-mininet.ts';
import { buildNetnsTopology, rootBatch } from '../src/backend/netns/build-netns.ts';
import { planTopology } from '../src/plan/plan-topology.ts';
import type { TopologyPlan } from '../src/plan/topology-plan.ts';
import type { ScenarioDef } from '../src/scenario/define-scenario.ts';
import { runCommand } from '../src/system/run-command.ts';
import { removeManifest, writeManifest } from '../src/system/run-ledger.ts';
import { useSpawner } from '../src/system/spawner.ts';
import { TeardownStack } from '../src/system/teardown-stack.ts';

export function singleSwitch(hosts: number): ScenarioDef {
  const nodes: ScenarioDef['nodes'] = { s1: { kind: 'switch' } };
  const links: ScenarioDef['links'] = [];
  for (let i = 1; i <= hosts; i++) {
    nodes[`h${i}`] = {
      kind: 'host',
      interfaces: { eth0: { addresses: [`10.0.${i >> 8}.${i & 255}/16`] } },
    };
    links.push({ a: `h${i}:eth0`, b: 's1' });
  }
  // Captures are not part of a build: none.
  return { description: `single switch, ${hosts} hosts`, nodes, links, captures: [] };
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** Build and teardown of a single-switch lab by one of natlab's backends, in seconds. */
async function timedBuild(
  hosts: number,
  runId: string,
  build: (plan: TopologyPlan, teardown: TeardownStack) => Promise<unknown>,
): Promise<number> {
  const plan = planTopology(singleSwitch(hosts), { scenario: 'bench', runId });
  const lab = new TeardownStack();
  // As in a run, commands start through the spawner, which is up before the clock starts.
  const release = useSpawner();
  await runCommand(['true'], { action: 'warm the spawner', stage: 'build' });
  const t0 = performance.now();
  const built = await build(plan, lab).then(
    () => undefined,
    (error: unknown) => error,
  );
  const failures = await lab.unwind().finally(release);
  if (built) throw built;
  if (failures.length > 0) throw new Error(`teardown failed: ${failures.map((f) => f.label)}`);
  return seconds(t0);
}

/** natlab's own build (namespaces, links, addresses, waiting until every port forwards) and teardown. */
export function natlabBuild(hosts: number, runId: string): Promise<number> {
  return timedBuild(hosts, runId, (plan, teardown) => buildNetnsTopology(plan, { teardown }));
}

/** natlab with --backend mininet: Mininet makes the nodes and links, natlab configures them. */
export function mininetBackendBuild(hosts: number, runId: string): Promise<number> {
  return timedBuild(hosts, runId, (plan, teardown) =>
    buildMininetTopology(plan, { teardown, onCrash: (error) => console.error(error.message) }),
  );
}

/** The same namespaces, veths, bridge and addresses with plain ip -batch, then deleted. */
export async function rawIpBatch(hosts: number, runId: string): Promise<number> {
  const plan = planTopology(singleSwitch(hosts), { scenario: 'bench', runId });
  const ip = (argv: string[], lines: string[]) =>
    execa('ip', [...argv, '-batch', '-'], { input: `${lines.join('\n')}\n`, timeout: 120_000 });
  // In the ledger like any natlab run, so `natlab clean` removes them if the bench is killed.
  const namespaces = plan.nodes.map((n) => n.netns);
  await writeManifest({ runId, scenario: 'bench: ip -batch', namespaces, kept: false });
  const t0 = performance.now();
  try {
    await ip([], rootBatch(plan));
    await Promise.all(
      plan.nodes.map((node) => {
        const lines = ['link set lo up'];
        if (node.kind === 'switch') {
          lines.push('link add br0 type bridge');
          for (const i of node.interfaces.filter((i) => i.kind === 'veth'))
            lines.push(`link set ${i.name} master br0`, `link set ${i.name} up`);
          lines.push('link set br0 up');
        } else {
          for (const i of node.interfaces.filter((i) => i.kind === 'veth')) {
            for (const a of i.addresses) lines.push(`addr add ${a} dev ${i.name}`);
            lines.push(`link set ${i.name} up`);
          }
        }
        return ip(['-n', node.netns], lines);
      }),
    );
  } finally {
    await ip(
      [],
      plan.nodes.map((n) => `netns del ${n.netns}`),
    );
    await removeManifest(runId);
  }
  return seconds(t0);
}

export async function mininetBuild(hosts: number): Promise<number> {
  const t0 = performance.now();
  await execa(
    'unshare',
    [
      '--user',
      '--map-root-user',
      '--net',
      '--pid',
      '--fork',
      '--mount',
      '--mount-proc',
      'mn',
      '--switch',
      'lxbr',
      '--controller',
      'none',
      '--topo',
      `single,${hosts}`,
      '--test',
      'none',
    ],
    { timeout: 600_000 },
  );
  return seconds(t0);
}
