// Watches the packet counters of every bridging node while the lab is up. A link past the bound
// means a storm (a bridge loop, a reflection feedback): the guard sets the bridges down and reports
// it, so the run stops before the machine running natlab melts.

import { readFile } from 'node:fs/promises';
import type { Topology } from '../backend/topology.ts';
import type { NodePlan } from '../plan/topology-plan.ts';
import { settleAll } from '../system/settle-all.ts';
import type { RunningProcess } from '../system/start-process.ts';

export interface Storm {
  /** "node:iface" */
  point: string;
  packetsPerSecond: number;
  /** From the guard's start (the lab coming up) to the order that sets the bridges down. */
  stoppedAfterMs: number;
}

export interface StormGuard {
  /** Stops watching; resolves once the last sample is done. Idempotent. */
  stop(): Promise<void>;
  /** The storm seen, if any. */
  storm(): Storm | undefined;
}

export interface StormGuardOptions {
  maxPacketsPerSecond: number;
  onStorm: (storm: Storm) => void;
  intervalMs?: number;
  /** A guard never outlives this, whatever happens to the run. */
  maxLifetimeMs?: number;
}

/**
 * Only bridges can loop: routers decrement the TTL and drop what they cannot route. Each bridging
 * node gets an idle `ip -batch -` in its namespace. Its /proc/PID/net/dev holds the namespace's
 * counters, and writing "link set br0 down" to it breaks a loop: under a storm, reading a file and
 * writing to a pipe keep working when forking a command no longer does.
 */
const IDLE_IP = ['ip', '-batch', '-'];

export async function startStormGuard(
  topology: Topology,
  {
    maxPacketsPerSecond,
    onStorm,
    intervalMs = 100,
    maxLifetimeMs = 10 * 60_000,
  }: StormGuardOptions,
): Promise<StormGuard> {
  const watched = topology.plan.nodes.filter((n) => n.interfaces.some((i) => i.kind === 'bridge'));
  const anchors = await settleAll(
    watched.map((node) =>
      topology.start(node.name, IDLE_IP, {
        action: 'start the storm guard',
        stage: 'build',
        ready: { cmdline: IDLE_IP },
        stdin: true,
      }),
    ),
  );
  const previous = new Map<string, { packets: number; at: number }>();
  const started = Date.now();
  let seen: Storm | undefined;
  let stopped = watched.length === 0;

  const sample = async () => {
    const at = performance.now();
    let worst: Omit<Storm, 'stoppedAfterMs'> | undefined;
    const counts = await Promise.all(watched.map((node, i) => portCounters(node, anchors[i])));
    for (const { point, packets } of counts.flat()) {
      const before = previous.get(point);
      previous.set(point, { packets, at });
      if (!before) continue;
      const rate = Math.round(((packets - before.packets) * 1000) / (at - before.at));
      if (rate > (worst?.packetsPerSecond ?? maxPacketsPerSecond))
        worst = { point, packetsPerSecond: rate };
    }
    if (worst && !seen) {
      breakLoops();
      seen = { ...worst, stoppedAfterMs: Date.now() - started };
      onStorm(seen);
    }
  };

  // Circuit breaker: with the bridges down nothing circles any more, and teardown is quick.
  const breakLoops = () => {
    watched.forEach((node, i) => {
      const bridges = node.interfaces.filter((x) => x.kind === 'bridge');
      anchors[i]?.write(bridges.map((b) => `link set dev ${b.name} down\n`).join(''));
    });
  };

  // stop() cuts the pause between samples short: the run waits for nothing once its traffic is done.
  let wake = () => {};
  const pause = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    while (!stopped && !seen && Date.now() - started < maxLifetimeMs) {
      // A failed sample (a namespace going away) ends the watch, never the run.
      await sample().catch(() => {
        stopped = true;
      });
      if (!stopped && !seen) await pause();
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      wake();
      await loop;
      await settleAll(anchors.map((a) => a.stop()));
    },
    storm: () => seen,
  };
}

/** rx + tx packets of each veth of the node, from /proc/PID/net/dev of a process inside it. */
async function portCounters(
  node: NodePlan,
  anchor: RunningProcess | undefined,
): Promise<{ point: string; packets: number }[]> {
  const text = await readFile(`/proc/${anchor?.pid}/net/dev`, 'utf8');
  const ports = new Set(node.interfaces.filter((i) => i.kind === 'veth').map((i) => i.name));
  const counters: { point: string; packets: number }[] = [];
  for (const line of text.split('\n').slice(2)) {
    const [name = '', fields = ''] = line.split(':');
    const iface = name.trim();
    if (!ports.has(iface)) continue;
    // Receive: bytes packets errs drop fifo frame compressed multicast; then transmit: bytes packets ...
    const values = fields.trim().split(/\s+/).map(Number);
    counters.push({ point: `${node.name}:${iface}`, packets: (values[1] ?? 0) + (values[9] ?? 0) });
  }
  return counters;
}
