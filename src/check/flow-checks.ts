// One flow expectation judged over the packets at its capture point: seen or absent, and how many
// packets and bytes matched against the counts the scenario gives.

import { describePacket } from '../analyse/describe-packet.ts';
import { compileMatch } from '../analyse/match-packet.ts';
import type { DirectionOf } from '../analyse/packet-direction.ts';
import type { Packet } from '../decode/packet.ts';
import type {
  CountExpectation,
  FlowExpectationDef,
  PacketMatch,
} from '../scenario/define-scenario.ts';

export interface FlowVerdict {
  name: string;
  ok: boolean;
  detail: string;
}

export function judgeFlow({
  flow,
  pool,
  directionOf,
}: {
  flow: FlowExpectationDef;
  /** The packets the flow may look at: the run's, or its probe's. */
  pool: readonly Packet[];
  directionOf: DirectionOf;
}): FlowVerdict {
  const predicate = compileMatch(flow.match);
  const matches = pool.filter((p) => p.point === flow.at && predicate(p, directionOf(p)));
  const name = flow.name ?? defaultFlowName(flow);
  const first = matches[0];
  const evidence = first ? `; first: frame ${first.index}, ${describePacket(first)}` : '';
  const scope = flow.during ? ` during ${flow.during}` : flow.step ? ` in step ${flow.step}` : '';
  const where = `at ${flow.at}${scope}`;
  if (flow.count === undefined && flow.bytes === undefined) {
    if (flow.expect === 'absent') {
      const ok = matches.length === 0;
      return {
        name,
        ok,
        detail: ok
          ? `none ${where}, as expected`
          : `${matches.length} matching packet(s) ${where}${evidence}`,
      };
    }
    const ok = matches.length > 0;
    return {
      name,
      ok,
      detail: ok
        ? `${matches.length} matching packet(s) ${where}${evidence}`
        : `no matching packet ${where}`,
    };
  }
  const bytes = matches.reduce((sum, p) => sum + flowBytes(p), 0);
  const counted = `${plural(matches.length, 'packet')}${flow.bytes ? ` (${plural(bytes, 'byte')})` : ''} ${where}`;
  const wanted = [
    flow.expect === 'seen'
      ? { range: { atLeast: 1 }, value: matches.length, unit: 'packet' }
      : undefined,
    flow.count && { range: flow.count, value: matches.length, unit: 'packet' },
    flow.bytes && { range: flow.bytes, value: bytes, unit: 'byte' },
  ].filter((w) => w !== undefined);
  const unmet = wanted.filter((w) => !inRange(w.value, w.range));
  const said = (ws: typeof wanted) => ws.map((w) => rangeText(w.range, w.unit)).join(' and ');
  return {
    name,
    ok: unmet.length === 0,
    detail:
      unmet.length === 0
        ? `${counted}, as expected (${said(wanted)})${evidence}`
        : `${counted}, expected ${said(unmet)}${evidence}`,
  };
}

/** A packet's bytes as a rule counter counts them: its IP length, else (ARP) its wire length. */
function flowBytes(packet: Packet): number {
  return packet.ip?.length ?? packet.length;
}

export function inRange(value: number, { exactly, atLeast, atMost }: CountExpectation): boolean {
  if (exactly !== undefined) return value === exactly;
  return (atLeast === undefined || value >= atLeast) && (atMost === undefined || value <= atMost);
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "exactly 1 packet", "at least 2 and at most 5 packets". */
export function rangeText({ exactly, atLeast, atMost }: CountExpectation, unit: string): string {
  if (exactly !== undefined) return `exactly ${plural(exactly, unit)}`;
  const bounds = [
    atLeast !== undefined ? `at least ${atLeast}` : undefined,
    atMost !== undefined ? `at most ${atMost}` : undefined,
  ].filter((b) => b !== undefined);
  return `${bounds.join(' and ')} ${unit}${(atMost ?? atLeast) === 1 ? '' : 's'}`;
}

function describeMatch(match: PacketMatch): string {
  const parts: string[] = [];
  if (match.direction) parts.push(match.direction === 'in' ? 'arriving' : 'leaving');
  if (match.proto) parts.push(match.proto);
  if (match.icmp) {
    const { type, code } = match.icmp;
    parts.push(`icmp ${type ?? '*'}${code !== undefined ? `/${code}` : ''}`);
  }
  if (match.src || match.sport !== undefined)
    parts.push(`from ${match.src ?? '*'}${match.sport !== undefined ? `:${match.sport}` : ''}`);
  if (match.dst || match.dport !== undefined)
    parts.push(`to ${match.dst ?? '*'}${match.dport !== undefined ? `:${match.dport}` : ''}`);
  if (match.tcp) {
    const flags = Object.entries(match.tcp).map(([f, on]) => `${on ? '' : '!'}${f.toUpperCase()}`);
    parts.push(flags.join('+'));
  }
  if (match.srcMac) parts.push(`from MAC ${match.srcMac.toLowerCase()}`);
  if (match.dstMac) parts.push(`to MAC ${match.dstMac.toLowerCase()}`);
  if (match.ethertype !== undefined)
    parts.push(`ethertype 0x${match.ethertype.toString(16).padStart(4, '0')}`);
  if (match.vlan !== undefined) parts.push(`vlan ${match.vlan}`);
  if (match.ipLength !== undefined) parts.push(`IP length ${match.ipLength}`);
  return parts.join(' ') || 'any packet';
}

function defaultFlowName(flow: FlowExpectationDef): string {
  const counts = [
    flow.count && rangeText(flow.count, 'packet'),
    flow.bytes && rangeText(flow.bytes, 'byte'),
  ].filter((c) => c !== undefined);
  const seen = counts.length > 0 ? `sees ${counts.join(', ')} of` : 'sees';
  return `${flow.at} ${flow.expect === 'absent' ? 'never sees' : seen} ${describeMatch(flow.match)}`;
}
