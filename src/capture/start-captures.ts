// Stage 5: one tcpdump per capture point, counted as started only once it says it is listening, and
// watched from then on: a capture that ends before it is stopped makes the run an error, never a verdict.

import { join } from 'node:path';
import type { Topology } from '../backend/topology.ts';
import { NatlabError } from '../errors.ts';
import type { CapturePointPlan } from '../plan/topology-plan.ts';
import { settleAll } from '../system/settle-all.ts';
import type { ProcessExit, RunningProcess } from '../system/start-process.ts';
import type { TeardownStack } from '../system/teardown-stack.ts';
import { judgeCaptureExit } from './capture-exit.ts';

export interface CaptureFile {
  point: CapturePointPlan;
  file: string;
  /** How many packets tcpdump wrote, by its own count: the pcap must hold that many. */
  captured: number;
}

export interface CaptureSession {
  points: CapturePointPlan[];
  /**
   * Stops every tcpdump (SIGTERM makes it flush and close the pcap) and waits for them; throws a
   * NatlabError naming the point when a capture died early, failed to stop or lost packets.
   */
  stop(): Promise<CaptureFile[]>;
}

export function captureFileName(point: CapturePointPlan): string {
  return `${point.node}-${point.iface}.pcap`;
}

export function tcpdumpArgv(point: CapturePointPlan, file: string): string[] {
  // --immediate-mode: without it, packets still in the ring buffer are lost when tcpdump stops.
  // -Z root: keep writing into the root-owned output directory.
  return [
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
  ];
}

interface Watched {
  point: CapturePointPlan;
  file: string;
  argv: string[];
  running: RunningProcess;
  /** Set the moment natlab asks it to stop: an exit before that is a death. */
  stopping: boolean;
  /** Its exit, if it came before natlab asked. */
  died?: ProcessExit;
}

export async function startCaptures(
  topology: Topology,
  {
    outDir,
    teardown,
    onDeath,
  }: {
    outDir: string;
    teardown: TeardownStack;
    /** Called at once when a capture ends on its own, so the run can stop there. */
    onDeath: (error: NatlabError) => void;
  },
): Promise<CaptureSession> {
  const stopOne = (w: Watched) => {
    w.stopping = true;
    return w.running.stop();
  };
  const started = await settleAll(
    topology.plan.captures.map(async (point) => {
      const file = join(outDir, captureFileName(point));
      const argv = tcpdumpArgv(point, file);
      const running = await topology.start(point.node, argv, {
        action: `start tcpdump on ${point.iface}`,
        stage: 'capture',
        ready: { stream: 'stderr', pattern: /listening on/ },
        // Its counts' last line: every packet is written by then (-U), well before it exits.
        doneWhenStopped: { stream: 'stderr', pattern: /packets? dropped by kernel\n/ },
      });
      const watched: Watched = { point, file, argv, running, stopping: false };
      teardown.push(`stop tcpdump on ${point.id}`, async () => {
        await stopOne(watched);
        await running.exited;
      });
      void running.exited.then((exit) => {
        if (watched.stopping) return;
        watched.died = exit;
        const judged = judgeCaptureExit(exit, true);
        if ('problem' in judged) onDeath(captureError(watched, exit, judged.problem));
      });
      return watched;
    }),
  );
  return {
    points: started.map((w) => w.point),
    stop: async () => {
      const exits = await settleAll(started.map(stopOne));
      return started.map((w, i) => {
        const exit = w.died ?? (exits[i] as ProcessExit);
        const judged = judgeCaptureExit(exit, w.died !== undefined);
        if ('problem' in judged) throw captureError(w, exit, judged.problem);
        return { point: w.point, file: w.file, captured: judged.captured };
      });
    },
  };
}

function captureError(w: Watched, exit: ProcessExit, problem: string): NatlabError {
  return new NatlabError(`capture on ${w.point.id} failed: ${problem}`, {
    code: 'COMMAND_FAILED',
    stage: 'capture',
    node: w.point.node,
    command: w.argv,
    stderr: exit.stderr,
  });
}
