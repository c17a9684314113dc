// Journeys: one packet followed across every capture point it crossed. NAT rewrites addresses and
// ports, so the packet is recognised by what NAT leaves alone: IP ID, TCP seq/ack and flags, and a
// hash of the payload. Where its addresses change between two hops, a node rewrote it. Journeys that
// share an address pair at any hop belong to one connection.

import type { Packet } from '../decode/packet.ts';
import { ifaceOf, nodeOf } from '../plan/point-id.ts';
import { packetKind } from './describe-packet.ts';
import { countRuns, endpointText } from './journey-text.ts';
import type { LabView } from './lab-view.ts';
import { isLinkUpkeep } from './link-upkeep.ts';
import { deliveredLocally } from './local-delivery.ts';
import { type Direction, type DirectionOf, SAME_FRAME_WINDOW_US } from './packet-direction.ts';

export interface Endpoint {
  address: string;
  port?: number;
}

export interface JourneyHop {
  point: string;
  direction: Direction;
  /** Frame number in that point's pcap. */
  frame: number;
  timeUs: number;
}

export interface Rewrite {
  node: string;
  nat: 'DNAT' | 'SNAT';
  from: Endpoint;
  to: Endpoint;
  /** Index of the first hop that carries the new header. */
  hop: number;
  /** Undoes an earlier rewrite of the connection: conntrack de-NATing a reply. */
  reverse?: boolean;
}

export type Fate =
  | { kind: 'delivered'; node: string }
  /** Entered a node whose every exit is captured and never left it. */
  | { kind: 'swallowed'; node: string; point: string }
  | { kind: 'last-seen'; point: string; direction: Direction };

export type Role = 'SYN' | 'SYN-ACK' | 'ACK' | 'data' | 'FIN' | 'RST' | 'UDP' | 'ICMP';

export interface Journey {
  /** 1-based within the probe, in the order the packets were first seen. */
  number: number;
  connection: number;
  role: Role;
  /** "SYN", "PSH-ACK +75B", "ICMP echo request". */
  kind: string;
  proto: 'tcp' | 'udp' | 'icmp';
  /** The header as first seen, and as last seen. */
  sent: { src: Endpoint; dst: Endpoint };
  received: { src: Endpoint; dst: Endpoint };
  hops: JourneyHop[];
  rewrites: Rewrite[];
  fate: Fate;
  /** "entered gateway eth0, never left gateway". */
  lastSeen: string;
}

export interface Connection {
  number: number;
  proto: Journey['proto'];
  /** As its first packet was sent: "192.168.1.10:50160 → 203.0.113.1:80". */
  label: string;
  journeys: number[];
  /** The packets' roles in order, repeats counted: "SYN, SYN-ACK, ACK ×2, data, FIN ×2, ACK". */
  summary: string;
}

export interface ProbeJourneys {
  journeys: Journey[];
  connections: Connection[];
}

export { ifaceOf, nodeOf };

/** What NAT, switches and veths never change about a packet; IPv6 has no IP ID, but a flow label. */
function invariantKey(packet: Packet): string {
  const tcp = packet.tcp;
  const f = tcp?.flags;
  return [
    packet.ip?.version,
    packet.ip?.protocol,
    packet.ip?.id,
    packet.ip?.flowLabel,
    tcp?.seq,
    tcp?.ack,
    f && [f.syn, f.ack, f.fin, f.rst, f.psh].map(Number).join(''),
    tcp?.payloadLength ?? packet.udp?.payloadLength,
    packet.icmp?.type,
    packet.icmp?.code,
    packet.payloadHash,
  ].join('|');
}

function headerOf(packet: Packet): { src: Endpoint; dst: Endpoint } {
  const l4 = packet.tcp ?? packet.udp;
  return {
    src: { address: packet.ip?.src ?? '', port: l4?.sport },
    dst: { address: packet.ip?.dst ?? '', port: l4?.dport },
  };
}

function roleOf(packet: Packet): Role {
  const tcp = packet.tcp;
  if (!tcp) return packet.udp ? 'UDP' : 'ICMP';
  if (tcp.flags.rst) return 'RST';
  if (tcp.flags.syn) return tcp.flags.ack ? 'SYN-ACK' : 'SYN';
  if (tcp.flags.fin) return 'FIN';
  return tcp.payloadLength > 0 ? 'data' : 'ACK';
}

const sameEndpoint = (a: Endpoint, b: Endpoint) => a.address === b.address && a.port === b.port;

/** An address pair in either direction: the same for a request and its reply. */
function pairKey(proto: string, header: { src: Endpoint; dst: Endpoint }): string {
  return `${proto} ${[endpointText(header.src), endpointText(header.dst)].sort().join(' ')}`;
}

interface Building {
  journey: Journey;
  pairs: Set<string>;
  seen: Set<string>;
}

/** `packets` are one probe's, in time order (as packetsByProbe gives them). */
export function followJourneys(
  packets: readonly Packet[],
  directionOf: DirectionOf,
  lab: LabView,
): ProbeJourneys {
  const building: Building[] = [];
  const open = new Map<string, Building>();
  // Two ends of a veth can stamp one packet with the same microsecond: leaving comes first.
  const ordered = packets
    .filter((p) => p.ip && (p.tcp || p.udp || p.icmp) && !isLinkUpkeep(p))
    .map((packet) => ({ packet, direction: directionOf(packet) }))
    .sort(
      (a, b) =>
        a.packet.timeUs - b.packet.timeUs ||
        Number(a.direction === 'in') - Number(b.direction === 'in'),
    );
  for (const { packet, direction } of ordered) {
    const key = invariantKey(packet);
    const hop = { point: packet.point, direction, frame: packet.index, timeUs: packet.timeUs };
    const header = headerOf(packet);
    let current = open.get(key);
    const last = current?.journey.hops.at(-1);
    // Seen again where it already passed, or long after: a retransmission, so a new journey.
    if (
      !current ||
      !last ||
      current.seen.has(`${packet.point}|${direction}`) ||
      packet.timeUs - last.timeUs > SAME_FRAME_WINDOW_US
    ) {
      const proto = packet.tcp ? 'tcp' : packet.udp ? 'udp' : 'icmp';
      current = {
        journey: {
          number: building.length + 1,
          connection: 0,
          role: roleOf(packet),
          kind: packetKind(packet),
          proto,
          sent: header,
          received: header,
          hops: [],
          rewrites: [],
          fate: { kind: 'last-seen', point: packet.point, direction },
          lastSeen: '',
        },
        pairs: new Set([pairKey(proto, header)]),
        seen: new Set(),
      };
      building.push(current);
      open.set(key, current);
    } else {
      recordRewrites(current.journey, last, hop, header);
      current.pairs.add(pairKey(current.journey.proto, header));
    }
    current.journey.hops.push(hop);
    current.journey.received = header;
    current.seen.add(`${packet.point}|${direction}`);
  }
  const connections = groupConnections(building);
  for (const { journey } of building) {
    journey.fate = fateOf(journey, connections[journey.connection - 1], building, lab);
    journey.lastSeen = describeFate(journey.fate);
  }
  return { journeys: building.map((b) => b.journey), connections };
}

function recordRewrites(
  journey: Journey,
  previous: JourneyHop,
  hop: JourneyHop,
  header: { src: Endpoint; dst: Endpoint },
): void {
  const before = journey.received;
  // Capture sees a packet entering before netfilter and leaving after it: the rewrite happened in
  // the node it left, or else in the node it had entered.
  const node =
    hop.direction === 'out' || previous.direction !== 'in'
      ? nodeOf(hop.point)
      : nodeOf(previous.point);
  const at = journey.hops.length;
  if (!sameEndpoint(before.dst, header.dst))
    journey.rewrites.push({ node, nat: 'DNAT', from: before.dst, to: header.dst, hop: at });
  if (!sameEndpoint(before.src, header.src))
    journey.rewrites.push({ node, nat: 'SNAT', from: before.src, to: header.src, hop: at });
}

function groupConnections(building: readonly Building[]): Connection[] {
  const connectionOfPair = new Map<string, number>();
  const connections: Connection[] = [];
  for (const item of building) {
    const { journey, pairs } = item;
    const known = [...pairs].map((p) => connectionOfPair.get(p)).find((c) => c !== undefined);
    let connection = known === undefined ? undefined : connections[known - 1];
    if (!connection) {
      const { src, dst } = journey.sent;
      connection = {
        number: connections.length + 1,
        proto: journey.proto,
        label: `${endpointText(src)} → ${endpointText(dst)}`,
        journeys: [],
        summary: '',
      };
      connections.push(connection);
    }
    for (const pair of pairs) connectionOfPair.set(pair, connection.number);
    journey.connection = connection.number;
    connection.journeys.push(journey.number);
  }
  for (const connection of connections) {
    const members = connection.journeys.flatMap((n) => building[n - 1]?.journey ?? []);
    connection.summary = countRuns(members.map((j) => j.role));
    markReverseRewrites(members);
  }
  return connections;
}

/** A reply's rewrite that maps back what a request's rewrite at the same node changed. */
function markReverseRewrites(journeys: readonly Journey[]): void {
  const forward: Rewrite[] = [];
  for (const journey of journeys) {
    for (const r of journey.rewrites) {
      const undoes = forward.some(
        (f) =>
          f.node === r.node &&
          f.nat !== r.nat &&
          sameEndpoint(f.from, r.to) &&
          sameEndpoint(f.to, r.from),
      );
      if (undoes) r.reverse = true;
      else forward.push(r);
    }
  }
}

function fateOf(
  journey: Journey,
  connection: Connection | undefined,
  building: readonly Building[],
  lab: LabView,
): Fate {
  const last = journey.hops.at(-1);
  if (!last) return { kind: 'last-seen', point: '', direction: 'in' };
  const node = nodeOf(last.point);
  if (last.direction === 'out') return { kind: 'last-seen', point: last.point, direction: 'out' };
  const dst = journey.received.dst.address;
  // A reply to an address the node itself put in as SNAT source is the node's to de-NAT and forward.
  const natReply = (connection?.journeys ?? []).some((n) =>
    building[n - 1]?.journey.rewrites.some(
      (r) => r.nat === 'SNAT' && r.node === node && r.to.address === dst,
    ),
  );
  const isSwitch = lab.node(node)?.kind === 'switch';
  const members = (connection?.journeys ?? []).flatMap((n) => building[n - 1]?.journey ?? []);
  const addressed = !natReply && (lab.ownerOf(dst) === node || lab.staysOnLink(dst));
  if (!isSwitch && deliveredLocally({ journey, node, connection: members, lab, addressed }))
    return { kind: 'delivered', node };
  if (lab.fullyCaptured(node)) return { kind: 'swallowed', node, point: last.point };
  return { kind: 'last-seen', point: last.point, direction: 'in' };
}

function describeFate(fate: Fate): string {
  switch (fate.kind) {
    case 'delivered':
      return `delivered to ${fate.node}`;
    case 'swallowed':
      return `entered ${nodeOf(fate.point)} ${ifaceOf(fate.point)}, never left ${fate.node}`;
    default:
      return `last seen ${fate.direction === 'in' ? 'entering' : 'leaving'} ${nodeOf(fate.point)} ${ifaceOf(fate.point)}`;
  }
}
