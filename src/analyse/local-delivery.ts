// Whether a packet that entered a node and never left was delivered to the node itself:
// - after a rewrite (REDIRECT, or DNAT to one of its own addresses) the node sends the answer, with
//   the original addresses swapped, from itself; the rewrite is never captured, the answer is;
// - addressed to the node through a port of its bridge, a request (SYN, echo request) the node
//   never answers was dropped inside the bridge, not delivered.

import { ifaceOf, nodeOf } from '../plan/point-id.ts';
import type { Endpoint, Journey } from './journeys.ts';
import type { LabView } from './lab-view.ts';

export interface LocalDeliveryInput {
  journey: Journey;
  node: string;
  /** The journeys of the packet's connection. */
  connection: readonly Journey[];
  lab: LabView;
  /** Its destination is the node's own or stays on the link, and it is no reply to de-NAT. */
  addressed: boolean;
}

const same = (a: Endpoint, b: Endpoint) => a.address === b.address && a.port === b.port;

export function deliveredLocally(input: LocalDeliveryInput): boolean {
  if (answeredLocally(input)) return true;
  return input.addressed && !unansweredAtBridge(input);
}

function answeredLocally({ journey, node, connection }: LocalDeliveryInput): boolean {
  const entered = journey.hops.at(-1);
  if (!entered) return false;
  return connection.some((answer) => {
    const first = answer.hops[0];
    return (
      first !== undefined &&
      nodeOf(first.point) === node &&
      first.direction === 'out' &&
      first.timeUs >= entered.timeUs &&
      same(answer.sent.src, journey.received.dst) &&
      same(answer.sent.dst, journey.received.src)
    );
  });
}

/** A request to the node's own address, in through a bridge port, that the node never answered. */
function unansweredAtBridge({ journey, node, lab }: LocalDeliveryInput): boolean {
  const point = journey.hops.at(-1)?.point ?? '';
  const port = lab.node(node)?.interfaces.find((i) => i.name === ifaceOf(point));
  return (
    isRequest(journey) &&
    port?.master !== undefined &&
    lab.ownerOf(journey.received.dst.address) === node
  );
}

/** A packet that asks the node it is addressed to for an answer. */
export const isRequest = (journey: Journey) =>
  journey.role === 'SYN' || journey.kind === 'ICMP echo request';
