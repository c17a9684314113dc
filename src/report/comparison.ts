// The hairpin family and its alternatives side by side, every number measured from the run's
// captures and probes: the LAN client's probe is "lan-client", the internet client's is "remote".

import type { TraceStep } from '../analyse/probe-trace.ts';
import type { ScenarioResult } from './scenario-result.ts';
import type { Glyphs } from './terminal-report.ts';

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
    packetsThroughRouter: lan ? forwardedBy(lan.trace, ROUTER) : undefined,
    extraRoundTrips: lan ? dnsRoundTrips(lan.trace, lan.from) : undefined,
  };
}

/**
 * TCP steps that left the node after entering it: in one step when it only routed the packet, or in
 * two (the same kind of segment entering, then leaving rewritten) when it NATed it.
 */
export function forwardedBy(trace: readonly TraceStep[], node: string): number {
  const at = (s: TraceStep | undefined, direction: string) =>
    s?.hops.some((h) => h.point.startsWith(`${node}:`) && h.direction === direction) ?? false;
  return trace.filter((step, i) => {
    const before = trace[i - 1];
    const rewritten = before?.proto === 'tcp' && before.kind === step.kind && at(before, 'in');
    return step.proto === 'tcp' && at(step, 'out') && (at(step, 'in') || rewritten);
  }).length;
}

/**
 * DNS lookups the client made: the queries of one lookup (A and AAAA) leave one socket together, so
 * each source port is one round trip, however their answers interleave.
 */
export function dnsRoundTrips(trace: readonly TraceStep[], client: string): number {
  const sockets = new Set<number | undefined>();
  for (const step of trace) {
    const fromClient = step.hops[0]?.point.startsWith(`${client}:`);
    if (step.proto === 'udp' && step.dport === 53 && fromClient) sockets.add(step.sport);
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
  const widths =
    table[0]?.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length))) ?? [];
  const lines = table.map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return `${[g.bold(lines[0] ?? ''), ...lines.slice(1)].join('\n')}\n`;
}
