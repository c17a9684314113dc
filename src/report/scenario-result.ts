// What a run produces and every report renders; also the --json contract (natlab run --json,
// result.json, the API's runScenario). Every field is described here, nested ones included.

import type { Finding } from '../analyse/finding.ts';
import type { Connection, Journey } from '../analyse/journeys.ts';
import type { CheckResult } from '../check/evaluate-checks.ts';
import type { KernelHealth } from '../kernel-state/kernel-health.ts';
import type { KernelState } from '../kernel-state/read-kernel-state.ts';
import { pointId } from '../plan/point-id.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import type { CapabilityResult } from '../preflight/probe-capabilities.ts';

/**
 * pass: every check held. fail: a check did not hold. skip: this machine cannot run the scenario
 * (a missing tool or kernel feature; `reason` says which). error: natlab itself could not run it
 * (bad input, a broken harness); only in documents the CLI writes, since runScenario rejects then.
 */
export type Verdict = 'pass' | 'fail' | 'skip' | 'error';

/** One probe (curl, ping, a UDP datagram, a TCP connect) as it ran, and its packets as the captures saw them. */
export interface ProbeReport {
  /** The probe's name in the scenario. */
  name: string;
  /** The step it ran in; absent for a top-level probe (and in every scenario without steps). */
  step?: string;
  /** The node it ran on. */
  from: string;
  /** "host:port" for an HTTP, UDP or TCP probe, the address for a ping. */
  to: string;
  /** What the scenario expected of the connection. */
  expect: 'connects' | 'fails' | 'either';
  /** Whether it connected (a reply, a connection); its check judges that against `expect`. */
  ok: boolean;
  /** The client address the HTTP, UDP or TCP echo service reported having seen. */
  serverSaw?: string;
  /** A ping's echo replies received of requests sent. */
  replies?: { received: number; sent: number };
  /** The client's error (curl's message, a timeout, a refusal) when it did not connect. */
  error?: string;
  /** When the probe started, in ms since the epoch: its packets are those from then on. */
  startedAt: number;
  /**
   * Every IP packet of the probe, followed across the capture points it crossed: `number`,
   * `connection`, `role` (SYN, SYN-ACK, ACK, data, FIN, RST, UDP, ICMP), `kind` ("PSH-ACK +75B"),
   * `proto`, the header as `sent` and as `received` ({src, dst} of {address, port}), `hops` (capture
   * point "node:iface", direction, frame number in that pcap, time in µs), `rewrites` (each NAT:
   * node, DNAT or SNAT, from, to, the first hop with the new header, `reverse` for a de-NAT of a
   * reply), its `fate` (delivered to a node, swallowed by a node, or last seen at a point), and
   * `lastSeen` in words.
   */
  journeys: Journey[];
  /**
   * The probe's connections: `number`, `proto`, `label` ("a:p → b:p"), its `journeys` by number,
   * and a `summary` of its packets' roles.
   */
  connections: Connection[];
}

/** One step of a scenario with steps, as it ran: after the top-level probes, in order. */
export interface StepReport {
  /** The step's name in the scenario. */
  name: string;
  /** What the step changed, a line each ("router: rulesets replaced (nft)", "router:eth1 down"). */
  changes: string[];
  /** The kernel state read right after the step's probes, shaped as `kernelState`. */
  kernelState: KernelState[];
}

/** One capture point: tcpdump on one interface of one node for the whole run. */
export interface CaptureReport {
  node: string;
  iface: string;
  /** The pcap, in the output directory. */
  file: string;
  /** How many frames it holds. */
  packets: number;
}

/** How long one step of the run took. */
export interface StepTiming {
  /**
   * The step's stage (StepName): plan, build, rulesets, capture, traffic, kernel-state, decode,
   * analyse, check or teardown; a scenario with steps adds, per step, steps (its changes), traffic
   * and kernel-state again.
   */
  step: string;
  ms: number;
}

/**
 * The lab as built: enough to draw it. Link ends are capture-point ids, "node:iface". Each node's
 * `interfaces`: `name`, `addresses` (CIDR), and the bridge it is a port of as `master`.
 */
export interface TopologySummary {
  nodes: {
    name: string;
    kind: 'host' | 'router' | 'switch';
    interfaces?: { name: string; addresses: string[]; master?: string }[];
  }[];
  links: { a: string; b: string }[];
}

export function summarizeTopology(plan: TopologyPlan): TopologySummary {
  return {
    nodes: plan.nodes.map((n) => ({
      name: n.name,
      kind: n.kind,
      interfaces: n.interfaces
        .filter((i) => i.kind !== 'loopback')
        .map((i) => ({
          name: i.name,
          addresses: i.addresses,
          ...(i.master ? { master: i.master } : {}),
        })),
    })),
    links: plan.links.map((l) => ({
      a: pointId(l.a.node, l.a.iface),
      b: pointId(l.b.node, l.b.iface),
    })),
  };
}

/** One scenario's run: the --json document, result.json, and what runScenario resolves with. */
export interface ScenarioResult {
  /** The scenario's name: its file name without .ts. */
  scenario: string;
  /** The scenario's own one-line description. */
  description?: string;
  /** Six hex digits; the run's namespaces are named nl-<runId>-<node>. */
  runId?: string;
  verdict: Verdict;
  /** Why the verdict, when it is skip or error. */
  reason?: string;
  /** uname -r of the kernel the run used. */
  kernel: string;
  /**
   * The kernel and userland features the scenario needs, as probed before the build: each with
   * its `name`, whether it is `available`, `how` it was tested (a command to repeat) and the
   * `detail` that test gave.
   */
  capabilities: CapabilityResult[];
  /** The lab as built, enough to draw it. */
  topology: TopologySummary;
  /**
   * Every check, in the scenario's order: a stable `id` (from what it judges, never its outcome;
   * unique in the scenario), a `name` to show, whether it is `ok`, a `detail` line saying what was
   * seen, the `probe` it judges and that probe's time in `ms`, and the `step` it is scoped to (a
   * step-scoped expectation, or a probe of that step).
   */
  checks: CheckResult[];
  /** Every probe in the order it ran: the top-level ones, then each step's (`step`). */
  probes: ProbeReport[];
  /** Present only for a scenario with steps: each step's changes and kernel state, in order. */
  steps?: StepReport[];
  /**
   * What the analysis recognised in the captures: each finding's `rule` (asymmetric-reply,
   * swallowed-by-node, ...), the `probe` whose traffic shows it, a `summary` paragraph saying what
   * happened and why, its `evidence`, one capture point, frame and packet per line, and `culprits`
   * (indices into evidence) when only some of those packets are at fault.
   */
  diagnosis: Finding[];
  /**
   * After the traffic (after the last step), for each node with rules (`node`):
   * - `conntrack`: its table as `conntrack -L -o extended` prints it, a flow per line (a node with
   *   `ipv6: true`: `-f ipv4`, then `-f ipv6`);
   * - `entries`: the same flows parsed: `family` ("ipv4"), `proto` ("tcp"), `state` ("SYN_SENT",
   *   TCP only), `status` (["UNREPLIED"], or "ASSURED", "EXPECTED"..., plus "SEEN_REPLY" whenever
   *   UNREPLIED is absent), `orig` and `reply` tuples ({ src, dst, sport, dport } or, for ICMP,
   *   { src, dst, type, code, id }), `mark` and `zone` when printed, `related` (made by an
   *   expectation: status EXPECTED) and `raw`, the line;
   * - `counters`: each rule with a counter: `key`, stable from run to run ("nft ip nat/postrouting#3"
   *   is table/chain#handle; "iptables nat/POSTROUTING#2" and "ip6tables nat/POSTROUTING#2" are
   *   table/chain#position; nft rules without a handle get "@position"), `source` ("nft",
   *   "iptables" or "ip6tables"), `table` ("ip nat", "ip6 nat", "nat"; ip6tables' "ip6 nat"),
   *   `chain`, `handle` (nft), `position` (in its chain, from 1), `comment`, `rule` (the rule text
   *   without its live counts), `packets` and `bytes`.
   */
  kernelState: KernelState[];
  /**
   * Present when the run checked kernel health: `taintBefore`/`taintAfter` (/proc/sys/kernel/tainted),
   * `splats` (kernel log lines from during the run showing a WARNING, BUG, oops...), and `problems`
   * (what could not be read, e.g. /dev/kmsg: EPERM under dmesg_restrict).
   */
  kernelHealth?: KernelHealth;
  captures: CaptureReport[];
  /** Each node's rules as loaded, dumped back from the kernel (iptables-save, nft list ruleset). */
  rulesets: { node: string; dump: string }[];
  /** Where the pcaps (and result.json, report.html) are. */
  outDir?: string;
  /** Only with --keep: the command that enters each node's namespace. */
  kept?: { node: string; enter: string }[];
  /** Each step's duration, in order. */
  timings: StepTiming[];
  /** The whole run, load to teardown. */
  durationMs: number;
}

/** A result for a run that ended before any traffic (skipped, or an error): every list empty. */
export function resultWithoutRun(
  fields: Pick<ScenarioResult, 'scenario' | 'verdict' | 'kernel' | 'durationMs'> &
    Partial<Pick<ScenarioResult, 'description' | 'runId' | 'reason' | 'topology' | 'timings'>>,
): ScenarioResult {
  // Built in the contract's key order, so result.json reads the same whatever ended the run.
  return {
    scenario: fields.scenario,
    description: fields.description,
    runId: fields.runId,
    verdict: fields.verdict,
    reason: fields.reason,
    kernel: fields.kernel,
    capabilities: [],
    topology: fields.topology ?? { nodes: [], links: [] },
    checks: [],
    probes: [],
    diagnosis: [],
    kernelState: [],
    captures: [],
    rulesets: [],
    timings: fields.timings ?? [],
    durationMs: fields.durationMs,
  };
}

/** A probe's outcome in words: "connected, 2/3 echo replies" or "failed: ...". */
export function probeOutcome(probe: ProbeReport): string {
  if (!probe.ok) return `failed${probe.error ? `: ${probe.error}` : ''}`;
  const replies = probe.replies && `, ${probe.replies.received}/${probe.replies.sent} echo replies`;
  return `connected${probe.serverSaw ? `, server saw ${probe.serverSaw}` : ''}${replies ?? ''}`;
}
