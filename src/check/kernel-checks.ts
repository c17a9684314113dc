// Kernel-state expectations become check results: conntrack entries, rule counters, kernel health.

import type { KernelHealth } from '../kernel-state/kernel-health.ts';
import type { ConntrackEntry, ConntrackTuple } from '../kernel-state/parse-conntrack.ts';
import type { RuleCounter } from '../kernel-state/parse-counters.ts';
import type { KernelState } from '../kernel-state/read-kernel-state.ts';
import { addressMatches, parseAddressPattern } from '../net/addresses.ts';
import type { KernelChecksPlan } from '../plan/topology-plan.ts';
import type {
  ConntrackExpectationDef,
  ConntrackMatch,
  ConntrackTupleMatch,
  CounterExpectationDef,
  RuleRef,
} from '../scenario/define-scenario.ts';
import { type CheckResult, scoped } from './evaluate-checks.ts';
import { inRange, rangeText } from './flow-checks.ts';

export interface KernelCheckInput {
  kernelChecks: KernelChecksPlan;
  /** Undefined: not read (packets judged alone), and so not judged. */
  kernelState?: readonly KernelState[];
  /** Each step's, for expectations scoped to a step. */
  stepKernelState?: ReadonlyMap<string, readonly KernelState[]>;
  /** Undefined: not read (a recorded run), and so not judged. */
  health?: KernelHealth;
}

export function kernelChecks({
  kernelChecks,
  kernelState,
  stepKernelState,
  health,
}: KernelCheckInput): CheckResult[] {
  const stateOf = (node: string, step: string | undefined) =>
    (step === undefined ? kernelState : stepKernelState?.get(step))?.find((k) => k.node === node);
  const read = kernelState !== undefined;
  return [
    ...(read ? kernelChecks.conntrack : []).map((c) =>
      c.during === 'run'
        ? checkConntrackDuringRun(c, stateOf(c.on, undefined))
        : checkConntrack(c, stateOf(c.on, c.step)?.entries ?? []),
    ),
    ...(read ? kernelChecks.counters : []).map((c) =>
      checkCounter(c, stateOf(c.on, c.step)?.counters ?? []),
    ),
    ...(kernelChecks.health && health ? [checkHealth(health)] : []),
  ];
}

/**
 * Over the whole run: the entries of the last read and every entry conntrack's events named, so one
 * created and destroyed between reads counts. Events natlab could not keep whole leave an `absent`
 * unproven.
 */
function checkConntrackDuringRun(
  def: ConntrackExpectationDef,
  state: KernelState | undefined,
): CheckResult {
  const name =
    def.name ??
    `${def.on} conntrack ${def.expect === 'seen' ? 'held' : 'never held'} ${describeConntrackMatch(def.match)} during the run`;
  const judged = (ok: boolean, detail: string) => scoped({ kind: 'conntrack', name, ok, detail });
  const watched = state?.conntrackEvents;
  if (!watched) return judged(false, `conntrack's events on ${def.on} were not recorded`);
  const predicate = conntrackPredicate(def.match);
  const events = watched.events.filter((e) => predicate(e.entry));
  const entries = state.entries.filter(predicate);
  const [event] = events;
  const first = event
    ? `; first: [${event.type}] ${oneLine(event.entry.raw)}`
    : entries[0]
      ? `; first: ${oneLine(entries[0].raw)}`
      : '';
  const found = `${events.length} of ${watched.events.length} events and ${entries.length} of ${state.entries.length} entries on ${def.on} match${first}`;
  const seen = events.length + entries.length > 0;
  if (def.expect === 'seen') return judged(seen, found);
  if (!seen && watched.cut)
    return judged(
      false,
      `${found}; but the earliest events were lost (more than natlab keeps), so absent is unproven`,
    );
  return judged(!seen, found);
}

function checkConntrack(
  def: ConntrackExpectationDef,
  entries: readonly ConntrackEntry[],
): CheckResult {
  const name =
    def.name ??
    `${def.on} conntrack ${def.expect === 'seen' ? 'has' : 'has no'} ${describeConntrackMatch(def.match)}`;
  const matches = entries.filter(conntrackPredicate(def.match));
  const first = matches[0] ? `; first: ${oneLine(matches[0].raw)}` : '';
  const found = `${matches.length} of ${entries.length} entries on ${def.on} match${first}`;
  return scoped({
    kind: 'conntrack',
    step: def.step,
    name,
    ok: def.expect === 'seen' ? matches.length > 0 : matches.length === 0,
    detail:
      matches.length === 0 && entries.length > 0
        ? `${found}; the table held: ${entries.map((e) => oneLine(e.raw)).join(' | ')}`
        : found,
  });
}

function conntrackPredicate(match: ConntrackMatch): (entry: ConntrackEntry) => boolean {
  const orig = tuplePredicate(match.orig);
  const reply = tuplePredicate(match.reply);
  return (e) =>
    (match.proto === undefined || e.proto === match.proto) &&
    (match.state === undefined || e.state === match.state) &&
    (match.status ?? []).every((s) => e.status.includes(s)) &&
    (match.mark === undefined || e.mark === match.mark) &&
    (match.zone === undefined || e.zone === match.zone) &&
    (match.related === undefined || e.related === match.related) &&
    orig(e.orig) &&
    reply(e.reply);
}

function tuplePredicate(match: ConntrackTupleMatch | undefined): (t: ConntrackTuple) => boolean {
  if (!match) return () => true;
  const src = match.src === undefined ? undefined : parseAddressPattern(match.src);
  const dst = match.dst === undefined ? undefined : parseAddressPattern(match.dst);
  return (t) =>
    (!src || addressMatches(src, t.src)) &&
    (!dst || addressMatches(dst, t.dst)) &&
    (match.sport === undefined || t.sport === match.sport) &&
    (match.dport === undefined || t.dport === match.dport);
}

function describeConntrackMatch(match: ConntrackMatch): string {
  const tuple = (t: ConntrackTupleMatch | undefined) =>
    t
      ? `${t.src ?? '*'}${t.sport !== undefined ? `:${t.sport}` : ''} → ${t.dst ?? '*'}${t.dport !== undefined ? `:${t.dport}` : ''}`
      : '';
  const parts = [
    match.proto,
    match.state,
    match.status?.map((s) => `[${s}]`).join(''),
    match.orig && `orig ${tuple(match.orig)}`,
    match.reply && `reply ${tuple(match.reply)}`,
    match.related !== undefined && (match.related ? 'related' : 'not related'),
  ];
  return parts.filter(Boolean).join(' ') || 'any entry';
}

function checkCounter(def: CounterExpectationDef, counters: readonly RuleCounter[]): CheckResult {
  const rules = counters.filter(rulePredicate(def.rule));
  const packets = rules.reduce((n, r) => n + r.packets, 0);
  const bytes = rules.reduce((n, r) => n + r.bytes, 0);
  const wants = [
    def.packets && rangeText(def.packets, 'packet'),
    def.bytes && rangeText(def.bytes, 'byte'),
  ].filter(Boolean);
  const name = def.name ?? `${def.on} rule ${describeRule(def.rule)} counted ${wants.join(', ')}`;
  const ok =
    rules.length > 0 &&
    (!def.packets || inRange(packets, def.packets)) &&
    (!def.bytes || inRange(bytes, def.bytes));
  return scoped({
    kind: 'counter',
    step: def.step,
    name,
    ok,
    detail:
      rules.length === 0
        ? `no counted rule on ${def.on} matches ${describeRule(def.rule)}; its counters: ${counters.map((c) => c.key).join(', ') || 'none'}`
        : `${packets} packet(s), ${bytes} byte(s) over ${rules.map((r) => `${r.key} (${r.rule})`).join('; ')}`,
  });
}

function rulePredicate(ref: RuleRef): (counter: RuleCounter) => boolean {
  return (c) =>
    (ref.table === undefined || c.table === ref.table || c.table.split(' ')[1] === ref.table) &&
    (ref.chain === undefined || c.chain === ref.chain) &&
    (ref.handle === undefined || c.handle === ref.handle) &&
    (ref.position === undefined || c.position === ref.position) &&
    (ref.comment === undefined || c.comment === ref.comment);
}

function describeRule(ref: RuleRef): string {
  const where = [ref.table, ref.chain].filter(Boolean).join(' ');
  const which = [
    ref.handle !== undefined && `handle ${ref.handle}`,
    ref.position !== undefined && `#${ref.position}`,
    ref.comment !== undefined && `"${ref.comment}"`,
  ].filter(Boolean);
  return [where, ...which].filter(Boolean).join(' ') || 'any';
}

function checkHealth(health: KernelHealth): CheckResult {
  const about = {
    id: 'kernel-health',
    name: 'kernel health: taint unchanged, no WARNING or BUG logged',
  };
  const taintChanged =
    health.taintBefore !== undefined &&
    health.taintAfter !== undefined &&
    health.taintBefore !== health.taintAfter;
  const found = [
    taintChanged && `taint went from ${health.taintBefore} to ${health.taintAfter}`,
    health.splats.length > 0 &&
      `${health.splats.length} splat line(s) in the kernel log: ${health.splats.slice(0, 3).join(' | ')}`,
  ].filter(Boolean);
  const caveat = health.problems.length > 0 ? ` (${health.problems.join('; ')})` : '';
  return {
    ...about,
    ok: found.length === 0,
    detail:
      found.length > 0
        ? `${found.join('; ')}${caveat}`
        : `taint ${health.taintAfter ?? 'unread'}, no splat in the kernel log during the run${caveat}`,
  };
}

/** conntrack pads its columns; a detail reads better without. */
function oneLine(raw: string): string {
  return raw.replace(/\s+/g, ' ');
}
