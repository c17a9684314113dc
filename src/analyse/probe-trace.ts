// The packet-by-packet account of one probe: the same packet seen at several capture points becomes one
// step listing the points it crossed; a rewritten packet (NAT) differs in its header and starts a new step.

import type { Packet } from '../decode/packet.ts';
import type { ProbeResult } from '../traffic/run-probes.ts';
import { packetAddresses, packetKind } from './describe-packet.ts';
import type { Direction, DirectionOf } from './packet-direction.ts';

export interface TraceHop {
  point: string;
  direction: Direction;
  /** Frame number in that point's pcap. */
  frame: number;
  timeUs: number;
}

export interface TraceStep {
  kind: string;
  addresses: string;
  hops: TraceHop[];
}

export interface TimeWindow {
  fromUs: number;
  toUs: number;
}

/** Probes run one after another, so each owns the time from its start to the next one's start. */
export function probeWindows(probes: readonly ProbeResult[]): Map<string, TimeWindow> {
  const windows = new Map<string, TimeWindow>();
  probes.forEach((probe, i) => {
    const next = probes[i + 1];
    windows.set(probe.name, {
      fromUs: probe.startedAt * 1000,
      toUs: next ? next.startedAt * 1000 : Number.POSITIVE_INFINITY,
    });
  });
  return windows;
}

export function inWindow(packet: Packet, window: TimeWindow | undefined): boolean {
  return !window || (packet.timeUs >= window.fromUs && packet.timeUs < window.toUs);
}

/** Header fields that a switch or a veth never changes but NAT does. */
function identity(packet: Packet): string {
  const ip = packet.ip;
  const tcp = packet.tcp;
  const l4 = tcp ?? packet.udp;
  return [
    ip?.src,
    ip?.dst,
    ip?.protocol,
    ip?.id,
    l4?.sport,
    l4?.dport,
    tcp?.seq,
    tcp?.ack,
    packetKind(packet),
    packet.icmp?.type,
  ].join('|');
}

export function traceProbe(
  packets: readonly Packet[],
  window: TimeWindow | undefined,
  directionOf: DirectionOf,
): TraceStep[] {
  const relevant = packets
    .filter((p) => p.ip && (p.tcp || p.udp || p.icmp) && inWindow(p, window))
    .sort((a, b) => a.timeUs - b.timeUs);
  const steps: TraceStep[] = [];
  const open = new Map<string, TraceStep>();
  for (const packet of relevant) {
    const key = identity(packet);
    let step = open.get(key);
    // The same point seeing it again means a retransmission: a new step.
    if (!step || step.hops.some((h) => h.point === packet.point)) {
      step = { kind: packetKind(packet), addresses: packetAddresses(packet), hops: [] };
      steps.push(step);
      open.set(key, step);
    }
    step.hops.push({
      point: packet.point,
      direction: directionOf(packet.point, packet.srcMac),
      frame: packet.index,
      timeUs: packet.timeUs,
    });
  }
  return steps;
}
