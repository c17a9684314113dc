// Layer-2 findings from the captures: frames reflected out their ingress port (a bridge port in
// hairpin mode), and a source MAC entering one switch through two ports (MAC flapping).

import type { Packet } from '../decode/packet.ts';
import { ifaceOf, nodeOf, pointId } from '../plan/point-id.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import { describePacket } from './describe-packet.ts';
import type { Finding } from './finding.ts';
import { isLinkUpkeep } from './link-upkeep.ts';
import {
  type DirectionOf,
  framesByPoint,
  peerOf,
  SAME_FRAME_WINDOW_US,
} from './packet-direction.ts';

/** The probe a packet belongs to; none for frames before the first probe (the lab coming up). */
export type ProbeOf = (packet: Packet) => string | undefined;

export function diagnoseL2(
  plan: TopologyPlan,
  packets: readonly Packet[],
  directionOf: DirectionOf,
  probeOf: ProbeOf = () => undefined,
): Finding[] {
  return [
    ...findReflections(plan, packets, probeOf),
    ...findMacFlaps(plan, packets, directionOf, probeOf),
  ];
}

/** The probe of the first evidence packet that has one. */
function firstProbe(packets: readonly Packet[], probeOf: ProbeOf): string | undefined {
  for (const packet of packets) {
    const probe = probeOf(packet);
    if (probe !== undefined) return probe;
  }
  return undefined;
}

/**
 * A port P whose peer is an inbound-only switch port: a frame seen twice at P within moments, the
 * second time just before the switch recorded it entering, came in through P and went straight back.
 */
function findReflections(
  plan: TopologyPlan,
  packets: readonly Packet[],
  probeOf: ProbeOf,
): Finding[] {
  const inbound = new Set(plan.captures.filter((p) => p.inboundOnly).map((p) => p.id));
  const watched = new Map<string, string>();
  for (const point of plan.captures) {
    const peer = peerOf(plan, point);
    if (peer && inbound.has(peer)) watched.set(point.id, peer);
  }
  const enteringSwitch = framesByPoint(packets, inbound);
  const findings: Finding[] = [];
  for (const [point, atPoint] of groupBy(packets, (p) => p.point)) {
    const peer = watched.get(point);
    if (!peer) continue;
    const previous = new Map<number, Packet>();
    const pairs: [Packet, Packet][] = [];
    for (const packet of atPoint) {
      if (isLinkUpkeep(packet)) continue;
      const earlier = previous.get(packet.hash);
      if (
        earlier &&
        packet.timeUs - earlier.timeUs <= SAME_FRAME_WINDOW_US &&
        enteredSwitchAfter(enteringSwitch.get(peer), packet)
      ) {
        pairs.push([earlier, packet]);
      }
      previous.set(packet.hash, packet);
    }
    if (pairs.length === 0) continue;
    findings.push({
      rule: 'frame-reflected',
      probe: firstProbe(
        pairs.map(([a]) => a),
        probeOf,
      ),
      summary: `${nodeOf(point)} sent ${pairs.length} frame(s) back out ${point}, the port they came in on: the port is in hairpin mode, so frames from the switch return to it`,
      evidence: pairs
        .slice(0, 3)
        .map(
          ([a, b]) =>
            `${point} frame ${a.index} in, frame ${b.index} back out: ${describePacket(a)}`,
        ),
    });
  }
  return findings;
}

/** The switch recorded this frame entering just after it passed P: it went out through P. */
function enteredSwitchAfter(hashes: Map<number, number[]> | undefined, packet: Packet): boolean {
  return (hashes?.get(packet.hash) ?? []).some(
    (t) => t >= packet.timeUs && t - packet.timeUs <= SAME_FRAME_WINDOW_US,
  );
}

function findMacFlaps(
  plan: TopologyPlan,
  packets: readonly Packet[],
  directionOf: DirectionOf,
  probeOf: ProbeOf,
): Finding[] {
  const owners = new Map<string, string>();
  for (const node of plan.nodes) {
    for (const iface of node.interfaces)
      if (iface.mac) owners.set(iface.mac, pointId(node.name, iface.name));
  }
  const findings: Finding[] = [];
  for (const sw of plan.nodes.filter((n) => n.kind === 'switch')) {
    // For each source MAC: the first frame of it that entered through each port.
    const entries = new Map<string, Map<string, Packet>>();
    for (const packet of packets) {
      if (nodeOf(packet.point) !== sw.name || directionOf(packet) !== 'in') continue;
      const port = ifaceOf(packet.point);
      const ports = entries.get(packet.srcMac) ?? new Map<string, Packet>();
      if (!ports.has(port)) ports.set(port, packet);
      entries.set(packet.srcMac, ports);
    }
    for (const [mac, ports] of entries) {
      if (ports.size < 2) continue;
      const owner = owners.get(mac) ?? mac;
      const names = [...ports.keys()];
      findings.push({
        rule: 'mac-flap',
        probe: firstProbe([...ports.values()], probeOf),
        summary: `switch ${sw.name} saw ${owner}'s MAC ${mac} enter through ports ${names.join(' and ')}: it learns the address on whichever port spoke last, and frames for ${owner} go to the wrong port and are dropped`,
        evidence: [...ports].map(
          ([port, p]) => `${pointId(sw.name, port)} frame ${p.index}: ${describePacket(p)}`,
        ),
      });
    }
  }
  return findings;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
