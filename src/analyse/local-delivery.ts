// Whether a packet that entered a node and never left was delivered to the node itself after a
// rewrite (REDIRECT, or DNAT to one of its own addresses): the node then sends the answer, with
// the original addresses swapped, from itself. The rewrite is never captured; the answer is.

import { nodeOf } from '../plan/point-id.ts';
import type { Endpoint, Journey } from './journeys.ts';

export interface LocalDeliveryInput {
  journey: Journey;
  node: string;
  /** The journeys of the packet's connection. */
  connection: readonly Journey[];
}

const same = (a: Endpoint, b: Endpoint) => a.address === b.address && a.port === b.port;

export function answeredLocally({ journey, node, connection }: LocalDeliveryInput): boolean {
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
