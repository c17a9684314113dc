// Findings from the journeys of each probe:
// - swallowed-by-node: packets entered a node whose every exit is captured and never left it;
// - never-reached-server: no SYN of the probe reached the node serving its port;
// - server-refused: that node answered the SYN with RST;
// - dropped-by-rule (diagnose-drops.ts): where the packets died, the rule or policy that took them,
//   in place of the vaguer swallowed-by-node.
// Netfilter drops never show in a capture, so the rule counters of the node concerned are cited.

import type { ChainPolicy, RuleCounter } from '../kernel-state/read-kernel-state.ts';
import { droppedByRule } from './diagnose-drops.ts';
import type { Finding } from './finding.ts';
import { describeRewrites, endpointText, journeyEvidence, rewritesByHop } from './journey-text.ts';
import { ifaceOf, type Journey, nodeOf } from './journeys.ts';
import type { LabView } from './lab-view.ts';
import { isRequest } from './local-delivery.ts';

export interface ProbeJourneyInput {
  name: string;
  /** The TCP port an HTTP probe asked for; none for ping. */
  port?: number;
  journeys: readonly Journey[];
}

export interface JourneyDiagnosisInput {
  probes: readonly ProbeJourneyInput[];
  lab: LabView;
  /** Nodes running an HTTP service, by port. */
  servers: ReadonlyMap<number, readonly string[]>;
  counters: ReadonlyMap<string, readonly RuleCounter[]>;
  policies: ReadonlyMap<string, readonly ChainPolicy[]>;
}

/** Evidence per finding: enough to find the frames, short enough to read. */
const EVIDENCE_SHOWN = 3;

export function diagnoseJourneys(input: JourneyDiagnosisInput): Finding[] {
  return input.probes.flatMap((probe) => {
    const servers = probe.port === undefined ? [] : (input.servers.get(probe.port) ?? []);
    return [
      ...findSwallowed(probe, input),
      ...findUndelivered(probe, input),
      ...findUnreachedServer(probe, servers, input),
      ...findRefusals(probe, servers),
    ];
  });
}

function dropFinding(
  probe: string,
  node: string,
  lost: readonly Journey[],
  input: JourneyDiagnosisInput,
) {
  return droppedByRule({
    probe,
    node,
    lost,
    lab: input.lab,
    counters: input.counters.get(node) ?? [],
    policies: input.policies.get(node) ?? [],
  });
}

function findSwallowed(probe: ProbeJourneyInput, input: JourneyDiagnosisInput): Finding[] {
  const byNode = new Map<string, Journey[]>();
  for (const journey of probe.journeys) {
    if (journey.fate.kind !== 'swallowed') continue;
    byNode.set(journey.fate.node, [...(byNode.get(journey.fate.node) ?? []), journey]);
  }
  return [...byNode].map(([node, lost]): Finding => {
    const first = lost[0] as Journey;
    const named = dropFinding(probe.name, node, lost, input);
    if (named) return named;
    return {
      rule: 'swallowed-by-node' as const,
      probe: probe.name,
      summary: `${probe.name}: ${lost.length} packet(s) entered ${node} and never left it through any of its interfaces; journey ${first.number} (${first.kind} ${endpointText(first.received.src)} → ${endpointText(first.received.dst)}) ${first.lastSeen}. ${whyLost(first, input)}`,
      evidence: lost.slice(0, EVIDENCE_SHOWN).map((j) => journeyEvidence(j)),
    };
  });
}

/** Why a packet that entered a node might not have left it, from what the plan and counters say. */
function whyLost(journey: Journey, input: JourneyDiagnosisInput): string {
  const point = journey.hops.at(-1)?.point ?? '';
  const node = nodeOf(point);
  const iface = ifaceOf(point);
  const plan = input.lab.node(node);
  if (plan?.kind === 'switch')
    return `Switch ${node} is a bridge, and a bridge drops a frame whose destination MAC it has learned on the port the frame came in on (MAC flapping moves addresses between ports), or when that port does not forward`;
  const port = plan?.interfaces.find((i) => i.name === iface)?.master;
  const counters = input.counters.get(node);
  if (port && isRequest(journey) && input.lab.ownerOf(journey.received.dst.address) === node)
    return `It was addressed to ${node}'s own ${journey.received.dst.address} and came in through ${iface}, a port of ${node}'s bridge ${port}, and ${node} never answered it: the bridge dropped it before it reached ${node} (an nft bridge-family or ebtables rule, or br_netfilter passing it to iptables). ${droppingRules(counters)}`.trim();
  if (port && input.lab.bridgesThroughNetfilter(node))
    return `${node} bridges ${iface} with br_netfilter on, so bridged frames pass iptables and conntrack. Conntrack de-NATs the reply inside the bridge, and its new destination lies behind the port it came in on: a bridge never sends a frame back out its ingress port, so it is dropped. Turn br_netfilter off (net.bridge.bridge-nf-call-iptables=0 and the bridge's nf_call_iptables), or route the WAN side instead of bridging it`;
  const evidence = [droppingRules(counters), unusedDnat(counters)].filter(Boolean).join(' ');
  return `A drop inside ${node} never shows in a capture: no DNAT rule matched, a filter rule dropped it, no route, or reverse-path filtering. ${evidence || 'No DROP or REJECT rule there counted a packet.'}`;
}

/**
 * Requests that died in a node though the captures show them "delivered" there (by their address,
 * or answered in the name of an address the node does not own): never answered at all (an input
 * drop, or a port-forwarded SYN dropped before it could leave), or answered only with RST or ICMP
 * unreachable for an address the node only had to pass on (a REJECT rule). The rule that took them
 * is named, beside never-reached-server where that applies too.
 */
function findUndelivered(probe: ProbeJourneyInput, input: JourneyDiagnosisInput): Finding[] {
  const byNode = new Map<string, Journey[]>();
  for (const request of probe.journeys.filter(isRequest)) {
    if (request.fate.kind !== 'delivered') continue;
    const node = request.fate.node;
    const answers = probe.journeys.filter(
      (j) => j.connection === request.connection && j.hops[0] && nodeOf(j.hops[0].point) === node,
    );
    const rejected =
      input.lab.ownerOf(request.received.dst.address) !== node &&
      answers.every((j) => j.role === 'RST' || /unreachable/.test(j.kind));
    if (answers.length === 0 || rejected) byNode.set(node, [...(byNode.get(node) ?? []), request]);
  }
  return [...byNode].flatMap(([node, lost]) => dropFinding(probe.name, node, lost, input) ?? []);
}

function findUnreachedServer(
  probe: ProbeJourneyInput,
  servers: readonly string[],
  input: JourneyDiagnosisInput,
): Finding[] {
  const syns = probe.journeys.filter((j) => j.role === 'SYN');
  const first = syns[0];
  if (!first || servers.length === 0) return [];
  if (syns.some((j) => j.hops.some((h) => servers.includes(nodeOf(h.point))))) return [];
  const stop = nodeOf(first.hops.at(-1)?.point ?? '');
  const answer = probe.journeys.find(
    (j) =>
      j.hops[0] &&
      nodeOf(j.hops[0].point) === stop &&
      ((j.role === 'RST' && j.connection === first.connection) || /unreachable/.test(j.kind)),
  );
  const rewrites = rewritesByHop(first).map((r) => describeRewrites(r));
  const rewritten = rewrites.length > 0 ? ` (rewritten: ${rewrites.join('; ')})` : '';
  const why = answer
    ? answer.role === 'RST'
      ? `${stop} answered with RST itself: the SYN stayed addressed to ${endpointText(first.received.dst)}, where nothing listens, so no DNAT rule sent it on to ${servers.join(' or ')}`
      : `${stop} answered with ${answer.kind}: a REJECT rule, or no route onward`
    : whyLost(first, input);
  // Delivered by its address, yet the node was only to pass it on: say so, not "delivered".
  const last = first.hops.at(-1);
  const where =
    first.fate.kind === 'delivered' && last
      ? `entered ${stop} ${ifaceOf(last.point)} addressed to ${stop}'s own ${first.received.dst.address} and never left it`
      : first.lastSeen;
  return [
    {
      rule: 'never-reached-server',
      probe: probe.name,
      summary: `${probe.name}: the SYN for ${endpointText(first.sent.dst)} never reached ${servers.join(' or ')} (the server of port ${probe.port}). Journey ${first.number}${rewritten}: ${where}. ${why}`,
      evidence: [first, ...(answer ? [answer] : [])].map((j) => journeyEvidence(j)),
    },
  ];
}

function findRefusals(probe: ProbeJourneyInput, servers: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  for (const reset of probe.journeys.filter((j) => j.role === 'RST')) {
    const sender = nodeOf(reset.hops[0]?.point ?? '');
    if (!servers.includes(sender) || reset.hops[0]?.direction !== 'out') continue;
    const connection = probe.journeys.filter((j) => j.connection === reset.connection);
    const syn = connection.find((j) => j.role === 'SYN');
    if (!syn || connection.some((j) => j.role === 'SYN-ACK')) continue;
    const rewrites = rewritesByHop(syn).map((r) => describeRewrites(r));
    const asked = endpointText(reset.sent.src);
    findings.push({
      rule: 'server-refused',
      probe: probe.name,
      summary: `${probe.name}: ${sender} answered the SYN with RST: nothing listens on ${asked}. The request did arrive${rewrites.length > 0 ? ` (${rewrites.join('; ')})` : ''}, so routing works, but it points at a port or address where the service is not: ${sender} serves port ${probe.port}`,
      evidence: [journeyEvidence(syn), journeyEvidence(reset, 0)],
    });
    break;
  }
  return findings;
}

function droppingRules(counters: readonly RuleCounter[] | undefined): string {
  const hits = (counters ?? []).filter(
    (c) => c.packets > 0 && /\b(DROP|REJECT|drop|reject)\b/.test(c.rule),
  );
  return hits.map((c) => `Rule "${c.table}: ${c.rule}" counted ${c.packets} packet(s).`).join(' ');
}

function unusedDnat(counters: readonly RuleCounter[] | undefined): string {
  const idle = (counters ?? []).filter((c) => c.packets === 0 && /\bdnat\b/i.test(c.rule));
  if (counters && counters.length > 0 && !counters.some((c) => /\bdnat\b/i.test(c.rule)))
    return 'The node has no DNAT rule at all.';
  return idle.map((c) => `DNAT rule "${c.table}: ${c.rule}" matched no packet.`).join(' ');
}
