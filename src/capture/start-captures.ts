// Stage 5: one tcpdump per capture point, counted as started only once it says it is listening.

import { join } from 'node:path';
import type { Topology } from '../backend/topology.ts';
import type { CapturePointPlan } from '../plan/topology-plan.ts';
import { settleAll } from '../system/settle-all.ts';
import type { RunningProcess } from '../system/start-process.ts';
import type { TeardownStack } from '../system/teardown-stack.ts';

export interface CaptureFile {
  point: CapturePointPlan;
  file: string;
}

export interface CaptureSession {
  files: CaptureFile[];
  /** Stops every tcpdump (SIGTERM makes it flush and close the pcap) and waits for them. */
  stop(): Promise<CaptureFile[]>;
}

export function captureFileName(point: CapturePointPlan): string {
  return `${point.node}-${point.iface}.pcap`;
}

export async function startCaptures(
  topology: Topology,
  { outDir, teardown }: { outDir: string; teardown: TeardownStack },
): Promise<CaptureSession> {
  const started = await settleAll(
    topology.plan.captures.map(async (point) => {
      const file = join(outDir, captureFileName(point));
      const running: RunningProcess = await topology.start(
        point.node,
        // --immediate-mode: without it, packets still in the ring buffer are lost when tcpdump stops.
        // -Z root: keep writing into the root-owned output directory.
        [
          'tcpdump',
          '-i',
          point.iface,
          ...(point.inboundOnly ? ['-Q', 'in'] : []),
          '-w',
          file,
          '-U',
          '--immediate-mode',
          '-n',
          '-Z',
          'root',
        ],
        {
          action: `start tcpdump on ${point.iface}`,
          stage: 'capture',
          ready: { stream: 'stderr', pattern: /listening on/ },
        },
      );
      teardown.push(`stop tcpdump on ${point.id}`, async () => {
        await running.stop();
      });
      return { point, file, running };
    }),
  );
  const files = started.map(({ point, file }) => ({ point, file }));
  return {
    files,
    stop: async () => {
      await settleAll(started.map(({ running }) => running.stop()));
      return files;
    },
  };
}
