// The hairpin family and its alternatives side by side, every number measured from the run's
// captures and probes: the LAN client's probe is "lan-client", the internet client's is "remote".

import { type Journey, nodeOf } from '../analyse/journeys.ts';
import type { ScenarioResult } from './scenario-result.ts';
import type { Glyphs } from './terminal-report.ts';
import { textTable } from './text-table.ts';

export interface ComparisonRow {
  scenario: string;
  verdict: ScenarioResult['verdict'];
  worksFromLan?: boolean;
  worksFromOutside?: boolean;
  /** The LAN client's address as the server reported it. */
  serverSees?: string;
  /** Packets of the LAN client's request that the router forwarded (entered and left it). */
  packetsThroughRouter?: number;
  /** Round trips before the request could start: DNS exchanges by the LAN client. */
  extraRoundTrips?: number;
}

const ROUTER = 'router';

export function compareRow(result: ScenarioResult): ComparisonRow {
  const lan = result.probes.find((p) => p.name === 'lan-client');
  const remote = result.probes.find((p) => p.name === 'remote');
  return {
    scenario: result.scenario,
    verdict: result.verdict,
    worksFromLan: lan?.ok,
    worksFromOutside: remote?.ok,
    serverSees: lan?.serverSaw,
    packetsThroughRouter: lan ? forwardedBy(lan.journeys, ROUTER) : undefined,
    extraRoundTrips: lan ? dnsRoundTrips(lan.journeys, lan.from) : undefined,
  };
}

/** TCP packets that entered the node and left it again, rewritten or not. */
export function forwardedBy(journeys: readonly Journey[], node: string): number {
  const crossed = (j: Journey, direction: string) =>
    j.hops.some((h) => nodeOf(h.point) === node && h.direction === direction);
  return journeys.filter((j) => j.proto === 'tcp' && crossed(j, 'in') && crossed(j, 'out')).length;
}

/**
 * DNS lookups the client made: the queries of one lookup (A and AAAA) leave one socket together, so
 * each source port is one round trip, however their answers interleave.
 */
export function dnsRoundTrips(journeys: readonly Journey[], client: string): number {
  const sockets = new Set<number | undefined>();
  for (const j of journeys) {
    const fromClient = nodeOf(j.hops[0]?.point ?? '') === client;
    if (j.proto === 'udp' && j.sent.dst.port === 53 && fromClient) sockets.add(j.sent.src.port);
  }
  return sockets.size;
}

export function renderComparison(rows: readonly ComparisonRow[], g: Glyphs): string {
  const yes = (v: boolean | undefined) => (v === undefined ? '-' : v ? g.ok : g.fail);
  const table = [
    [
      'scenario',
      'works from LAN',
      'works from outside',
      'server sees',
      'pkts via router',
      'extra RTTs',
    ],
    ...rows.map((r) => [
      r.scenario,
      yes(r.worksFromLan),
      yes(r.worksFromOutside),
      r.serverSees ?? '-',
      r.packetsThroughRouter === undefined ? '-' : String(r.packetsThroughRouter),
      r.extraRoundTrips === undefined ? '-' : String(r.extraRoundTrips),
    ]),
  ];
  const lines = textTable(table);
  return `${[g.bold(lines[0] ?? ''), ...lines.slice(1)].join('\n')}\n`;
}
