// The numbered story of a probe's packets, one step per journey: who sent what, which way it went,
// where it ended, and each rewrite on the way. Spelled out once; later rewrites refer back.

import { describeRewrites, endpointText, rewritesByHop } from '../analyse/journey-text.ts';
import { type Journey, nodeOf } from '../analyse/journeys.ts';

export interface NarrativeStep {
  number: number;
  /** "server sends SYN-ACK 192.168.1.2:80 → 192.168.1.10:50160 straight to client: delivered to client". */
  text: string;
  /** "router: DNAT dst 203.0.113.1:80 → 192.168.1.2:80 (source unchanged)", first occurrences only. */
  rewrites: string[];
}

export function narrate(
  journeys: readonly Journey[],
  switches: ReadonlySet<string>,
): NarrativeStep[] {
  const firstSeen = new Map<string, number>();
  return journeys.map((journey) => {
    const sender = nodeOf(journey.hops[0]?.point ?? '');
    const receiver = journey.fate.kind === 'delivered' ? journey.fate.node : undefined;
    // Where it ended is said after the colon; "via" names only the nodes it passed through.
    const end = journey.fate.kind === 'last-seen' ? undefined : journey.fate.node;
    const via = [...new Set(journey.hops.map((h) => nodeOf(h.point)))].filter(
      (n) => n !== sender && n !== end && !switches.has(n),
    );
    const route =
      via.length > 0 ? ` via ${via.join(', ')}` : receiver ? ` straight to ${receiver}` : '';
    const rewrites: string[] = [];
    const asBefore: number[] = [];
    for (const group of rewritesByHop(journey)) {
      const text = describeRewrites(group);
      const earlier = firstSeen.get(text);
      if (earlier === undefined) {
        firstSeen.set(text, journey.number);
        rewrites.push(text);
      } else if (!asBefore.includes(earlier)) asBefore.push(earlier);
    }
    const same = asBefore.length > 0 ? ` (rewritten as in ${asBefore.join(', ')})` : '';
    const { src, dst } = journey.sent;
    return {
      number: journey.number,
      text: `${sender} sends ${journey.kind} ${endpointText(src)} → ${endpointText(dst)}${route}: ${journey.lastSeen}${same}`,
      rewrites,
    };
  });
}
