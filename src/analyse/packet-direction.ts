// Which way a frame crossed a capture point, from the most exact evidence there is:
// - the capture's own word (pcapng epb_flags: a point recorded per direction, a hairpin port);
// - an inbound-only capture (a switch port) holds only frames entering the switch;
// - at the other end of such a port, a frame left iff the switch recorded it entering (same bytes,
//   moments apart), which holds even for frames reflected back out the port they came in on;
// - elsewhere, a frame whose source MAC sits on the far side of the link came in, anything else went out.

import type { Packet } from '../decode/packet.ts';
import { pointId } from '../plan/point-id.ts';
import type { CapturePointPlan, NodePlan, TopologyPlan } from '../plan/topology-plan.ts';
import type { Direction } from '../scenario/flow-match.ts';

export type { Direction };

export type DirectionOf = (packet: Packet) => Direction;

/** The same frame at both ends of a veth is seen microseconds apart; never as much as this. */
export const SAME_FRAME_WINDOW_US = 50_000;

export function directionResolver(plan: TopologyPlan, packets: readonly Packet[]): DirectionOf {
  const inboundOnly = new Set(plan.captures.filter((p) => p.inboundOnly).map((p) => p.id));
  const inboundPeer = new Map<string, string>();
  for (const point of plan.captures) {
    const peer = peerOf(plan, point);
    if (peer && inboundOnly.has(peer)) inboundPeer.set(point.id, peer);
  }
  const seenAt = framesByPoint(packets, new Set(inboundPeer.values()));
  const farSide = new Map(plan.captures.map((p) => [p.id, farSideMacs(plan, p)]));
  return (packet) => {
    if (packet.direction) return packet.direction;
    if (inboundOnly.has(packet.point)) return 'in';
    const peer = inboundPeer.get(packet.point);
    if (peer) return seenNear(seenAt.get(peer), packet) ? 'out' : 'in';
    return farSide.get(packet.point)?.has(packet.srcMac) ? 'in' : 'out';
  };
}

/** For the given points: frame hash → capture times. */
export function framesByPoint(
  packets: readonly Packet[],
  points: ReadonlySet<string>,
): Map<string, Map<number, number[]>> {
  const byPoint = new Map<string, Map<number, number[]>>();
  for (const packet of packets) {
    if (!points.has(packet.point)) continue;
    const hashes = byPoint.get(packet.point) ?? new Map<number, number[]>();
    const times = hashes.get(packet.hash);
    if (times) times.push(packet.timeUs);
    else hashes.set(packet.hash, [packet.timeUs]);
    byPoint.set(packet.point, hashes);
  }
  return byPoint;
}

function seenNear(hashes: Map<number, number[]> | undefined, packet: Packet): boolean {
  return (hashes?.get(packet.hash) ?? []).some(
    (t) => Math.abs(t - packet.timeUs) <= SAME_FRAME_WINDOW_US,
  );
}

export function peerOf(plan: TopologyPlan, point: CapturePointPlan): string | undefined {
  const peer = plan.nodes
    .find((n) => n.name === point.node)
    ?.interfaces.find((i) => i.name === point.iface)?.peer;
  return peer ? pointId(peer.node, peer.iface) : undefined;
}

function farSideMacs(plan: TopologyPlan, point: CapturePointPlan): Set<string> {
  const nodes = new Map(plan.nodes.map((n) => [n.name, n]));
  const start = nodes.get(point.node)?.interfaces.find((i) => i.name === point.iface)?.peer;
  const macs = new Set<string>();
  if (!start) return macs;
  const seen = new Set([pointId(point.node, point.iface)]);
  const queue = [start];
  for (let here = queue.shift(); here; here = queue.shift()) {
    const key = pointId(here.node, here.iface);
    if (seen.has(key)) continue;
    seen.add(key);
    const node = nodes.get(here.node);
    const iface = node?.interfaces.find((i) => i.name === here.iface);
    if (!node || !iface) continue;
    if (iface.mac) macs.add(iface.mac);
    if (iface.peer) queue.push(iface.peer);
    const bridge = iface.master ?? (iface.kind === 'bridge' ? iface.name : undefined);
    for (const sibling of sameBridge(node, bridge)) queue.push({ node: node.name, iface: sibling });
  }
  return macs;
}

/** The bridge and all its ports: one L2 segment inside a node. */
function sameBridge(node: NodePlan, bridge: string | undefined): string[] {
  if (!bridge) return [];
  return [bridge, ...node.interfaces.filter((i) => i.master === bridge).map((i) => i.name)];
}
