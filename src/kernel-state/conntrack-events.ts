// conntrack's events over the run (`conntrack -E -o extended,timestamp`), per node with rules: started
// before the traffic, counted as started only once its netlink socket has joined conntrack's event
// groups, stopped after. A connection created and destroyed between two reads of the table (a short
// UDP exchange, a RELATED ICMP error, a step's `conntrack -F`) is in these events, never in a read.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Topology } from '../backend/topology.ts';
import { rulesetFormats } from '../plan/topology-plan.ts';
import { settleAll } from '../system/settle-all.ts';
import type { TeardownStack } from '../system/teardown-stack.ts';
import { type ConntrackEntry, parseConntrack } from './parse-conntrack.ts';

export interface ConntrackEvent {
  type: 'NEW' | 'UPDATE' | 'DESTROY';
  /** Microseconds since the epoch, as conntrack stamped it. */
  timeUs: number;
  entry: ConntrackEntry;
}

export interface ConntrackEvents {
  events: ConntrackEvent[];
  /** Its output outgrew what natlab keeps: the earliest events are gone. */
  cut: boolean;
}

export const CONNTRACK_EVENTS_ARGV = ['conntrack', '-E', '-o', 'extended,timestamp'] as const;
/** Kept of conntrack's output: some 40,000 events. */
const KEPT_BYTES = 8 * 1024 ** 2;
const NETLINK_NETFILTER = 12;

/** `[1701234567.123456]    [NEW] ipv4 2 udp 17 30 src=...`: one event a line. */
export function parseConntrackEvents(text: string): ConntrackEvent[] {
  return text.split('\n').flatMap((line) => {
    const head = /^\s*\[(\d+)\.(\d{1,6})\]\s+\[(NEW|UPDATE|DESTROY)\]\s+(.*)$/.exec(line);
    if (!head) return [];
    const [, seconds = '0', fraction = '0', type, rest = ''] = head;
    const [entry] = parseConntrack([rest]);
    if (!entry) return [];
    const timeUs = Number(seconds) * 1_000_000 + Number(fraction.padEnd(6, '0'));
    return [{ type: type as ConntrackEvent['type'], timeUs, entry }];
  });
}

/** Whether the process holds a NETLINK_NETFILTER socket that has joined a multicast group. */
export function subscribedToConntrack(pid: number): boolean {
  try {
    const sockets = new Set(
      readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
        const link = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return link?.[1] ? [link[1]] : [];
      }),
    );
    // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode, in the process's own namespace.
    return readFileSync(`/proc/${pid}/net/netlink`, 'utf8')
      .split('\n')
      .slice(1)
      .some((row) => {
        const cells = row.trim().split(/\s+/);
        return (
          Number(cells[1]) === NETLINK_NETFILTER &&
          /[1-9a-f]/i.test(cells[3] ?? '0') &&
          sockets.has(cells[9] ?? '')
        );
      });
  } catch {
    return false;
  }
}

export interface ConntrackWatch {
  /** Stops every conntrack -E and reads its events, by node. */
  stop(): Promise<Map<string, ConntrackEvents>>;
}

export async function startConntrackEvents(
  topology: Topology,
  { teardown }: { teardown: TeardownStack },
): Promise<ConntrackWatch> {
  const nodes = topology.plan.nodes
    .filter((n) => rulesetFormats(topology.plan, n.name).size > 0)
    .map((n) => n.name);
  const started = await settleAll(
    nodes.map(async (node) => {
      const running = await topology.start(node, CONNTRACK_EVENTS_ARGV, {
        action: 'start conntrack -E',
        stage: 'kernel-state',
        ready: { check: subscribedToConntrack },
        keptOutput: KEPT_BYTES,
      });
      teardown.push(`stop conntrack -E on ${node}`, async () => {
        await running.stop();
      });
      return { node, running };
    }),
  );
  return {
    stop: async () => {
      const exits = await settleAll(started.map((s) => s.running.stop()));
      return new Map(
        started.map(({ node }, i) => {
          const stdout = exits[i]?.stdout ?? '';
          const cut = stdout.length >= KEPT_BYTES;
          return [node, { events: parseConntrackEvents(stdout), cut }];
        }),
      );
    },
  };
}
