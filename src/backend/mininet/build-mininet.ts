// Stage 3, Mininet backend: Mininet builds the nodes and links (mininet-driver.py, the project's only
// Python file), natlab names each node's namespace after its pid (`ip netns attach`) and from there
// configures and runs everything exactly as with its own backend.

import { readlink } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { NatlabError } from '../../errors.ts';
import type { TopologyPlan } from '../../plan/topology-plan.ts';
import { PYTHON } from '../../system/python.ts';
import { type RunningProcess, startProcess } from '../../system/start-process.ts';
import { type BuildOptions, buildLab, ipBatch } from '../netns/build-netns.ts';
import type { Topology } from '../topology.ts';

const DRIVER = fileURLToPath(new URL('./mininet-driver.py', import.meta.url));

export interface MininetBuildOptions extends BuildOptions {
  /** Called if the driver dies before natlab stops it: the run must end as an error. */
  onCrash: (error: NatlabError) => void;
}

export function buildMininetTopology(
  plan: TopologyPlan,
  { onCrash, ...options }: MininetBuildOptions,
): Promise<Topology> {
  return buildLab(plan, options, async () => {
    // Its own network namespace: whatever Mininet does outside its nodes stays in there.
    const driver = await startProcess(['unshare', '--net', '--', PYTHON, DRIVER], {
      action: 'build the topology with Mininet',
      stage: 'build',
      stdin: true,
      input: `${JSON.stringify(plan)}\n`,
      // The whole line: a big plan's pid list may arrive in more than one chunk.
      ready: { stream: 'stdout', pattern: /^\{"pids".*\}\n/m },
      readyTimeoutMs: 60_000,
      signal: options.signal,
    });
    let stopping = false;
    // Pushed after "delete namespaces", so it runs before it: Mininet stops its nodes first.
    options.teardown.push('stop the Mininet driver', async () => {
      stopping = true;
      await driver.stop();
    });
    void driver.exited.then((exit) => {
      if (stopping) return;
      onCrash(
        new NatlabError(
          `the Mininet driver died mid-run (${exit.signal ?? `exit code ${exit.exitCode}`})`,
          { code: 'COMMAND_FAILED', stage: 'build', stderr: exit.stderr },
        ),
      );
    });
    const pids = readPids(driver, plan);
    await checkNodeNamespaces(pids, driver.pid);
    await ipBatch(
      plan.nodes.map((n) => `netns attach ${n.netns} ${pids[n.name]}`),
      { action: 'name the Mininet nodes', signal: options.signal },
    );
  });
}

/**
 * `ip netns attach` names whatever namespace a pid is in: each node's pid must be in a namespace of
 * its own, neither natlab's (the root namespace here) nor the driver's, before natlab names it.
 */
export async function checkNodeNamespaces(
  pids: Record<string, number>,
  driverPid: number,
): Promise<void> {
  const netnsOf = (pid: number | 'self') => readlink(`/proc/${pid}/ns/net`).catch(() => undefined);
  const taken = new Map([
    [await netnsOf('self'), 'natlab itself'],
    [await netnsOf(driverPid), 'the Mininet driver'],
  ]);
  for (const [node, pid] of Object.entries(pids)) {
    const netns = await netnsOf(pid);
    const owner = netns === undefined ? 'no process' : taken.get(netns);
    if (owner) {
      throw new NatlabError(
        `the Mininet driver gave node ${node} pid ${pid}, whose network namespace is ${owner}'s; refusing to name it`,
        { code: 'COMMAND_FAILED', stage: 'build', node },
      );
    }
    taken.set(netns, `node ${node}`);
  }
}

function readPids(driver: RunningProcess, plan: TopologyPlan): Record<string, number> {
  const line =
    driver
      .output()
      .stdout.split('\n')
      .find((l) => l.startsWith('{"pids"')) ?? '';
  const { pids } = JSON.parse(line) as { pids: Record<string, number> };
  const missing = plan.nodes.filter((n) => !Number.isInteger(pids[n.name]));
  if (missing.length > 0) {
    throw new NatlabError(
      `the Mininet driver gave no pid for ${missing.map((n) => n.name).join(', ')}`,
      { code: 'COMMAND_FAILED', stage: 'build', stderr: driver.output().stderr },
    );
  }
  return pids;
}
