// Stage 5: one tcpdump per capture point (two at a point recorded per direction: -Q in and -Q out),
// counted as started only once it says it is listening, and watched from then on: a capture that ends
// before it is stopped makes the run an error, never a verdict.

import { join } from 'node:path';
import type { Topology } from '../backend/topology.ts';
import { NatlabError } from '../errors.ts';
import type { CapturePointPlan } from '../plan/topology-plan.ts';
import type { Direction } from '../scenario/flow-match.ts';
import { settleAll } from '../system/settle-all.ts';
import type { ProcessExit, RunningProcess } from '../system/start-process.ts';
import type { TeardownStack } from '../system/teardown-stack.ts';
import { judgeCaptureExit } from './capture-exit.ts';

export interface CaptureFile {
  point: CapturePointPlan;
  file: string;
  /** How many packets tcpdump wrote, by its own count (both tcpdumps' at a point recorded per
   * direction): the pcap must hold that many. */
  captured: number;
  /** A point recorded per direction: each tcpdump's pcap, merged into `file` (pcapng) when read. */
  directions?: Record<Direction, string>;
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
  return `${point.node}-${point.iface}.${point.perDirection ? 'pcapng' : 'pcap'}`;
}

/** The tcpdumps a point needs: one, or one per direction. */
function recordingsOf(point: CapturePointPlan, outDir: string): Recording[] {
  if (!point.perDirection) return [{ file: join(outDir, captureFileName(point)) }];
  return (['in', 'out'] as const).map((direction) => ({
    direction,
    file: join(outDir, `${point.node}-${point.iface}.${direction}.pcap`),
  }));
}

export function tcpdumpArgv(
  point: CapturePointPlan,
  file: string,
  direction: Direction | undefined = point.inboundOnly ? 'in' : undefined,
): string[] {
  // --immediate-mode: without it, packets still in the ring buffer are lost when tcpdump stops.
  // -Z root: keep writing into the root-owned output directory.
  return [
    'tcpdump',
    '-i',
    point.iface,
    ...(direction ? ['-Q', direction] : []),
    '-w',
    file,
    '-U',
    '--immediate-mode',
    '-n',
    '-Z',
    'root',
  ];
}

interface Recording {
  file: string;
  direction?: Direction;
}

interface Watched extends Recording {
  point: CapturePointPlan;
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
  const recordings = topology.plan.captures.flatMap((point) =>
    recordingsOf(point, outDir).map((recording) => ({ point, ...recording })),
  );
  const started = await settleAll(
    recordings.map(async ({ point, file, direction }) => {
      const argv = tcpdumpArgv(point, file, direction);
      const running = await topology.start(point.node, argv, {
        action: `start tcpdump${direction ? ` -Q ${direction}` : ''} on ${point.iface}`,
        stage: 'capture',
        ready: { stream: 'stderr', pattern: /listening on/ },
        // Its counts' last line: every packet is written by then (-U), well before it exits.
        doneWhenStopped: { stream: 'stderr', pattern: /packets? dropped by kernel\n/ },
      });
      const watched: Watched = { point, file, direction, argv, running, stopping: false };
      teardown.push(
        `stop tcpdump${direction ? ` -Q ${direction}` : ''} on ${point.id}`,
        async () => {
          await stopOne(watched);
          await running.exited;
        },
      );
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
    points: topology.plan.captures,
    stop: async () => {
      const exits = await settleAll(started.map(stopOne));
      const counted = started.map((w, i) => {
        const exit = w.died ?? (exits[i] as ProcessExit);
        const judged = judgeCaptureExit(exit, w.died !== undefined);
        if ('problem' in judged) throw captureError(w, exit, judged.problem);
        return { ...w, captured: judged.captured };
      });
      return topology.plan.captures.map((point) => captureOf(point, outDir, counted));
    },
  };
}

/** A point's capture from its tcpdumps: the one file, or the two to merge and their counts summed. */
function captureOf(
  point: CapturePointPlan,
  outDir: string,
  counted: readonly (Recording & { point: CapturePointPlan; captured: number })[],
): CaptureFile {
  const mine = counted.filter((c) => c.point === point);
  const captured = mine.reduce((sum, c) => sum + c.captured, 0);
  const file = (direction: Direction) => mine.find((c) => c.direction === direction)?.file ?? '';
  if (!point.perDirection) return { point, file: mine[0]?.file ?? '', captured };
  const directions = { in: file('in'), out: file('out') };
  return { point, file: join(outDir, captureFileName(point)), captured, directions };
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
