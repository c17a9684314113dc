// The storm guard stops as soon as it is told to: the run waits on no pause between its samples.

import { describe, expect, it } from 'vitest';
import type { Topology } from '../../src/backend/topology.ts';
import type { RunningProcess } from '../../src/system/start-process.ts';
import { startStormGuard } from '../../src/traffic/storm-guard.ts';

/** One node with a bridge, whose anchor process is this test itself (its /proc/PID/net/dev). */
function bridgedTopology(): { topology: Topology; stops: () => number } {
  let stops = 0;
  const anchor = {
    pid: process.pid,
    stop: async () => {
      stops += 1;
      return { exitCode: 0 };
    },
    write: () => {},
  } as unknown as RunningProcess;
  const topology = {
    plan: {
      nodes: [
        {
          name: 'gw',
          interfaces: [
            { name: 'br0', kind: 'bridge' },
            { name: 'eth0', kind: 'veth' },
          ],
        },
      ],
    },
    start: async () => anchor,
  } as unknown as Topology;
  return { topology, stops: () => stops };
}

describe('the storm guard', () => {
  it('stops at once although its next sample is a minute away, and stops its anchors', async () => {
    const { topology, stops } = bridgedTopology();
    const guard = await startStormGuard(topology, {
      maxPacketsPerSecond: 1e8,
      onStorm: () => {},
      intervalMs: 60_000,
    });
    // Let the first sample run, so the loop is inside its pause when stop() comes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const t0 = performance.now();
    await guard.stop();
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(stops()).toBe(1);
    expect(guard.storm()).toBeUndefined();
  });
});
