// The scenario model's kernel-state expectations: conntrack entries, rule counters, kernel health.

import type { CountExpectation } from './flow-match.ts';

/** One direction of a conntrack entry; addresses take a CIDR and "!" as flows do. */
export interface ConntrackTupleMatch {
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
}

export const CONNTRACK_STATUS = ['UNREPLIED', 'ASSURED', 'SEEN_REPLY', 'EXPECTED'] as const;

export type ConntrackStatus = (typeof CONNTRACK_STATUS)[number];

/** A conntrack entry pattern: every field given must match, every field left out is don't-care. */
export interface ConntrackMatch {
  proto?: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'sctp';
  /** TCP's state as conntrack prints it: SYN_SENT, ESTABLISHED, TIME_WAIT... */
  state?: string;
  /** Flags the entry must all carry (it may carry more). */
  status?: ConntrackStatus[];
  orig?: ConntrackTupleMatch;
  reply?: ConntrackTupleMatch;
  mark?: number;
  zone?: number;
  /** Created by an expectation (a helper's RELATED connection), or not. */
  related?: boolean;
}

/** Entries in a node's conntrack table right after the traffic (or a step's). */
export interface ConntrackExpectationDef {
  name?: string;
  /** A node with rulesets. */
  on: string;
  /** Judged on the table as read right after this step's probes; without it, after the last. */
  step?: string;
  /**
   * "run": judged on every entry the node's conntrack held at any moment of the run (its events,
   * `conntrack -E`, from before the traffic to the last read), so an entry destroyed before the read
   * counts too. Not with `step`.
   */
  during?: 'run';
  match: ConntrackMatch;
  expect: 'seen' | 'absent';
}

/** Picks rules out of a node's counters; the fields given must all match. */
export interface RuleRef {
  /** "nat" (any family's), or with the family, "ip nat", "ip6 nat" (ip6tables' and nft's), "inet nat". */
  table?: string;
  chain?: string;
  /** nft's rule handle (nft -a list ruleset). */
  handle?: number;
  /** The rule's position in its chain, from 1 (iptables; nft without handles). */
  position?: number;
  comment?: string;
}

/** The counted packets and bytes of the matching rules (summed), right after the traffic. */
export interface CounterExpectationDef {
  name?: string;
  on: string;
  /** Judged on the counters as read right after this step's probes; without it, after the last. */
  step?: string;
  rule: RuleRef;
  packets?: CountExpectation;
  bytes?: CountExpectation;
}

/** The scenario keys that state kernel-state expectations. */
export interface KernelExpectationsDef {
  conntrack?: ConntrackExpectationDef[];
  counters?: CounterExpectationDef[];
  /** Check that the kernel stayed healthy (taint unchanged, no WARNING or BUG logged). Default true. */
  kernelHealth?: boolean;
}
