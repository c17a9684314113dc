// How a journey is told in words: endpoints, rewrites ("router: DNAT dst ... (source unchanged)"),
// role runs, and a hop cited as evidence. Pure text over the journeys' types.

import { endpoint } from './describe-packet.ts';
import type { Endpoint, Journey, Rewrite } from './journeys.ts';

export function endpointText({ address, port }: Endpoint): string {
  return endpoint(address, port);
}

/** "router: DNAT dst 203.0.113.1:80 → 192.168.1.2:80 (source unchanged)". */
export function describeRewrites(rewrites: readonly Rewrite[], arrow = '→'): string {
  const node = rewrites[0]?.node ?? '';
  const parts = rewrites.map((r) => {
    // An unchanged port is noise in a source rewrite; a destination names its port as users wrote it.
    const keepPort = (r.nat === 'DNAT' && !r.reverse) || r.from.port !== r.to.port;
    const show = (e: Endpoint) => endpointText(keepPort ? e : { address: e.address });
    const name = r.reverse ? 'de-NAT' : r.nat;
    return `${name} ${r.nat === 'DNAT' ? 'dst' : 'src'} ${show(r.from)} ${arrow} ${show(r.to)}`;
  });
  const only = rewrites.length === 1 && !rewrites[0]?.reverse ? rewrites[0]?.nat : undefined;
  const unchanged =
    only === 'DNAT' ? ' (source unchanged)' : only === 'SNAT' ? ' (destination unchanged)' : '';
  return `${node}: ${parts.join(', ')}${unchanged}`;
}

/** Rewrites grouped by the hop where they showed, in hop order. */
export function rewritesByHop(journey: Journey): Rewrite[][] {
  const groups = new Map<number, Rewrite[]>();
  for (const r of journey.rewrites) groups.set(r.hop, [...(groups.get(r.hop) ?? []), r]);
  return [...groups.values()];
}

/** "SYN, SYN-ACK, ACK ×2": repeats in a row counted. */
export function countRuns(items: readonly string[]): string {
  const runs: { item: string; count: number }[] = [];
  for (const item of items) {
    const last = runs.at(-1);
    if (last?.item === item) last.count++;
    else runs.push({ item, count: 1 });
  }
  return runs.map((r) => (r.count > 1 ? `${r.item} ×${r.count}` : r.item)).join(', ');
}

/** The packet's addresses as captured at hop `index`. */
function headerAt(journey: Journey, index: number): { src: Endpoint; dst: Endpoint } {
  let { src, dst } = journey.sent;
  for (const r of journey.rewrites) {
    if (r.hop > index) break;
    if (r.nat === 'DNAT') dst = r.to;
    else src = r.to;
  }
  return { src, dst };
}

/** "gateway:eth0 frame 12: 203.0.113.80:80 → 198.51.100.2:43210 SYN-ACK (journey 2)". */
export function journeyEvidence(journey: Journey, index = journey.hops.length - 1): string {
  const hop = journey.hops[index];
  const { src, dst } = headerAt(journey, index);
  return `${hop?.point} frame ${hop?.frame}: ${endpointText(src)} → ${endpointText(dst)} ${journey.kind} (journey ${journey.number})`;
}
