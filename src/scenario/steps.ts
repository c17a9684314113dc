// The scenario model's steps: changes made to the running lab between rounds of probes.

import type { ProbeDef, RulesetDef } from './define-scenario.ts';

/** A node's rulesets in a step: all replaced, more added on top, or every table emptied. */
export type RulesetChangeDef = { replace: RulesetDef[] } | { add: RulesetDef[] } | { flush: true };

/** A device's settings in a step ("node:iface"): up or down, its MTU, a bridge port's hairpin. */
export interface InterfaceChangeDef {
  up?: boolean;
  /** 68..65535; at least 1280 on a node with IPv6. */
  mtu?: number;
  /** Bridge ports only. */
  hairpin?: boolean;
}

/** Kernel state cleared in a step, on the nodes named. */
export interface ResetDef {
  /** conntrack -F: every connection is new again, so NAT is decided afresh. */
  conntrack?: string[];
  /** Every rule counter back to 0 (iptables -Z and ip6tables -Z per table; nft's rules reset). */
  counters?: string[];
}

/**
 * One step of a scenario: its changes, made in this order (rulesets, sysctls, interfaces, reset),
 * then its probes; the kernel state is read after them.
 */
export interface StepDef {
  /** Unique in the scenario: letters, digits, "_", "-" and ".", up to 64 characters. */
  name: string;
  /** Node → its ruleset change. */
  rulesets?: Record<string, RulesetChangeDef>;
  /** Node → sysctls set inside its namespace, as a node's own sysctls. */
  sysctls?: Record<string, Record<string, string>>;
  /** "node:iface" → its new settings. */
  interfaces?: Record<string, InterfaceChangeDef>;
  reset?: ResetDef;
  /** Run after the changes; names unique across the whole scenario. */
  probes?: ProbeDef[];
}

/** The scenario keys for steps. */
export interface StepsDef {
  /** Run in order after the top-level probes (which run first, as the lab starts). */
  steps?: StepDef[];
}
