// dropped-by-rule: a probe's packets died inside a node with rules, and the node's counters say
// which DROP or REJECT rule (or which chain's drop policy) took them. Counters are read once, after
// every probe, so a count is evidence for the rule, not proof it was this packet: where several
// rules could have matched, all are named and the finding says so.

import type { ChainPolicy, RuleCounter } from '../kernel-state/read-kernel-state.ts';
import type { Finding } from './finding.ts';
import { endpointText, journeyEvidence } from './journey-text.ts';
import { ifaceOf, type Journey } from './journeys.ts';
import type { LabView } from './lab-view.ts';
import { dnatTarget, type RuleHeader, ruleCouldMatch } from './rule-could-match.ts';

export interface DropInput {
  probe: string;
  node: string;
  /** The probe's packets that died in the node. */
  lost: readonly Journey[];
  lab: LabView;
  counters: readonly RuleCounter[];
  policies: readonly ChainPolicy[];
}

const EVIDENCE_SHOWN = 3;

/** The rule's text as read, without the nft counter statement or comment. */
const ruleText = (c: RuleCounter) =>
  c.rule
    .replace(/\s*comment "(?:[^"\\]|\\.)*"/, '')
    .replace(/\bcounter\s*/, '')
    .trim();

const isDrop = (c: RuleCounter) =>
  c.source === 'iptables'
    ? /-j (DROP|REJECT)\b/.test(c.rule)
    : /\b(drop|reject)\b/.test(c.rule.replace(/comment "(?:[^"\\]|\\.)*"/, ''));

/** "`inet filter forward` rule handle 7", "`filter FORWARD` rule 2". */
function ruleName(c: RuleCounter): string {
  const number = c.handle === undefined ? `rule ${c.position}` : `rule handle ${c.handle}`;
  return `\`${c.table} ${c.chain}\` ${number} (\`${ruleText(c)}\`)`;
}

/** The header as the node's rules see it: as it came in, and as each counted DNAT rule would send it. */
function headers(journey: Journey, counters: readonly RuleCounter[]): RuleHeader[] {
  const last = journey.hops.at(-1);
  const header: RuleHeader = {
    proto: journey.proto,
    src: journey.received.src.address,
    dst: journey.received.dst.address,
    sport: journey.received.src.port,
    dport: journey.received.dst.port,
    ...(last?.direction === 'in' ? { iif: ifaceOf(last.point) } : {}),
  };
  const dnats = counters.filter(
    (c) => c.packets > 0 && dnatTarget(c.rule) && ruleCouldMatch(c.rule, header),
  );
  return [
    header,
    ...dnats.map((c) => {
      const to = dnatTarget(c.rule);
      return { ...header, dst: to?.address ?? header.dst, dport: to?.port ?? header.dport };
    }),
  ];
}

/** The finding, or undefined when no drop rule counted and no chain drops by policy. */
export function droppedByRule(input: DropInput): Finding | undefined {
  const { probe, node, lost, counters, policies } = input;
  const first = lost[0];
  if (!first) return undefined;
  const seen = lost.flatMap((j) => headers(j, counters));
  const dropping = counters.filter((c) => c.packets > 0 && isDrop(c));
  const fitting = dropping.filter((c) => seen.some((h) => ruleCouldMatch(c.rule, h)));
  const forwarded = seen.some((h) => input.lab.ownerOf(h.dst) !== node);
  const hooks = new Set(['prerouting', forwarded ? 'forward' : 'input']);
  const dropPolicies = policies.filter(
    (p) => p.policy === 'drop' && hooks.has(p.hook) && (p.packets ?? 1) > 0,
  );
  // A rule whose match fits is the best evidence; then a drop policy (the packet matched no rule);
  // only then every drop rule that counted, though none names this packet.
  const verdict =
    fitting.length > 0
      ? byRules(fitting, node)
      : dropPolicies.length > 0
        ? `no drop rule that could match it counted; ${dropPolicies.map(policyText).join('; ')}`
        : dropping.length > 0
          ? `no counted drop rule's match names this packet, so every drop rule that counted is a candidate: ${dropping.map((c) => `${ruleName(c)}, ${c.packets} packet(s)`).join('; ')}`
          : undefined;
  if (verdict === undefined) return undefined;
  const named = fitting.length || dropPolicies.length || dropping.length;
  const several =
    named > 1
      ? " Counters are read once, after every probe, so each of these may have counted another probe's packets: the candidates are all named."
      : '';
  const last = first.hops.at(-1);
  // Delivered by its address, yet the node was only to pass it on: say so, not "delivered".
  const own = input.lab.ownerOf(first.received.dst.address) === node;
  const where =
    first.fate.kind === 'delivered' && last
      ? `entered ${node} ${ifaceOf(last.point)}${own ? ` addressed to ${node}'s own ${first.received.dst.address} and` : `, was answered by ${node} itself and`} never left it`
      : first.lastSeen;
  const shown = lost.slice(0, EVIDENCE_SHOWN);
  const ruleLine = (c: RuleCounter) =>
    `${node}: ${c.key} counted ${c.packets} packet(s): ${ruleText(c)}`;
  const policyLine = (p: ChainPolicy) =>
    `${node}: ${p.key} policy drop${p.packets === undefined ? '' : `, counted ${p.packets} packet(s)`}`;
  const rules =
    fitting.length > 0
      ? fitting.map(ruleLine)
      : dropPolicies.length > 0
        ? dropPolicies.map(policyLine)
        : dropping.map(ruleLine);
  return {
    rule: 'dropped-by-rule',
    probe,
    summary: `${probe}: ${lost.length} packet(s) died inside ${node}; journey ${first.number} (${first.kind} ${endpointText(first.received.src)} → ${endpointText(first.received.dst)}) ${where}: ${verdict}.${several}`,
    evidence: [...shown.map((j) => journeyEvidence(j)), ...rules],
    culprits: shown.map((_, i) => i),
  };
}

function byRules(rules: readonly RuleCounter[], node: string): string {
  const [only] = rules;
  if (only && rules.length === 1)
    return `dropped by ${ruleName(only)} on ${node}, which counted ${only.packets} packet(s)`;
  return `dropped by one of ${rules.length} rules on ${node} whose match could be this packet: ${rules.map((c) => `${ruleName(c)}, ${c.packets} packet(s)`).join('; ')}`;
}

/** iptables counts what its policy drops; nft keeps no counter for a policy. */
function policyText(p: ChainPolicy): string {
  return p.packets === undefined
    ? `chain \`${p.table} ${p.chain}\` has policy drop (nft keeps no counter for a policy)`
    : `\`${p.table} ${p.chain}\` policy DROP counted ${p.packets} packet(s)`;
}
