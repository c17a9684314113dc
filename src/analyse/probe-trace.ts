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
  proto: 'tcp' | 'udp' | 'icmp';
  sport?: number;
  dport?: number;
  hops: TraceHop[];
}

/**
 * Probes run one after another, so each owns the time from its start to the next one's start. A TCP
 * packet counts at the time its connection began at that capture point, so the closing FIN exchange of
 * one probe, which may trail into the next probe's time, stays with its own probe.
 */
export function packetsByProbe(
  packets: readonly Packet[],
  probes: readonly Pick<ProbeResult, 'name' | 'startedAt'>[],
): Map<string, Packet[]> {
  const byProbe = new Map<string, Packet[]>(probes.map((p) => [p.name, []]));
  const starts = probes.map((p) => p.startedAt * 1000);
  const connectionStart = new Map<string, number>();
  for (const packet of [...packets].sort((a, b) => a.timeUs - b.timeUs)) {
    let anchor = packet.timeUs;
    if (packet.tcp && packet.ip) {
      const ends = [
        `${packet.ip.src}:${packet.tcp.sport}`,
        `${packet.ip.dst}:${packet.tcp.dport}`,
      ].sort();
      const key = `${packet.point}|${ends.join('|')}`;
      const opening = packet.tcp.flags.syn && !packet.tcp.flags.ack;
      if (opening || !connectionStart.has(key)) connectionStart.set(key, packet.timeUs);
      anchor = connectionStart.get(key) ?? packet.timeUs;
    }
    const index = starts.findLastIndex((start) => start <= anchor);
    const probe = probes[index];
    if (probe) byProbe.get(probe.name)?.push(packet);
  }
  return byProbe;
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

/** `packets` are one probe's, in time order (as packetsByProbe gives them). */
export function traceProbe(packets: readonly Packet[], directionOf: DirectionOf): TraceStep[] {
  const relevant = packets.filter((p) => p.ip && (p.tcp || p.udp || p.icmp));
  const steps: TraceStep[] = [];
  const open = new Map<string, TraceStep>();
  for (const packet of relevant) {
    const key = identity(packet);
    let step = open.get(key);
    // The same point seeing it again means a retransmission: a new step.
    if (!step || step.hops.some((h) => h.point === packet.point)) {
      const l4 = packet.tcp ?? packet.udp;
      step = {
        kind: packetKind(packet),
        addresses: packetAddresses(packet),
        proto: packet.tcp ? 'tcp' : packet.udp ? 'udp' : 'icmp',
        sport: l4?.sport,
        dport: l4?.dport,
        hops: [],
      };
      steps.push(step);
      open.set(key, step);
    }
    step.hops.push({
      point: packet.point,
      direction: directionOf(packet),
      frame: packet.index,
      timeUs: packet.timeUs,
    });
  }
  return steps;
}
