// The resolved topology (stage 2 output): every name, address, MAC and route fixed and checked.

import type {
  Capability,
  ConntrackExpectationDef,
  CounterExpectationDef,
  DiagnosisRule,
  FlowExpectationDef,
  InterfaceChangeDef,
  NodeDef,
  RouteDef,
  RulesetDef,
  ServiceDef,
} from '../scenario/define-scenario.ts';
import type { Point } from './point-id.ts';

export interface InterfacePlan {
  name: string;
  kind: 'veth' | 'bridge' | 'loopback' | 'vlan' | 'macvlan';
  /** Locally administered and unique in the run, so a frame's source MAC names its sender. */
  mac?: string;
  /**
   * Unique in the run. The kernel defers a link event by up to a second unless the device's ifindex
   * differs from its peer's, and in fresh namespaces both veth ends are often number 2.
   */
  ifindex?: number;
  addresses: string[];
  /** The bridge this interface is a port of. */
  master?: string;
  /** The other end of a veth. */
  peer?: Point;
  /** Bridge port option: reflect frames back out their ingress port. */
  hairpin?: boolean;
  /** Bridge option: per-bridge br_netfilter (the per-namespace sysctl is ORed with it). */
  nfCallIptables?: boolean;
  /** The device MTU; the kernel's default (1500 for a veth or bridge) when absent. */
  mtu?: number;
  /** vlan and macvlan: the device they are made on, and the VLAN id or the macvlan mode. */
  parent?: string;
  vlanId?: number;
  macvlanMode?: 'bridge' | 'private' | 'passthru';
}

export interface NodePlan {
  name: string;
  kind: NodeDef['kind'];
  netns: string;
  /** IPv6 kept on (the node's `ipv6: true`): its IPv6 conntrack table is read too. */
  ipv6: boolean;
  interfaces: InterfacePlan[];
  routes: RouteDef[];
  /** Permanent neighbour entries, resolved to a MAC and the interface on that subnet. */
  neighbors: { address: string; mac: string; dev: string }[];
  sysctls: Record<string, string>;
  /** Files the node sees in place of the host's /etc/hosts and /etc/resolv.conf. */
  etc: { hosts?: string; 'resolv.conf'?: string };
  rulesets: RulesetDef[];
  services: ServiceDef[];
}

export interface LinkPlan {
  a: Point;
  b: Point;
}

export interface CapturePointPlan {
  node: string;
  iface: string;
  /** "node:iface", the name checks and reports use. */
  id: string;
  /**
   * A switch port whose peer end is captured too records only frames entering the switch
   * (tcpdump -Q in): nothing is lost, the peer sees the rest, and direction there is exact.
   */
  inboundOnly: boolean;
  /**
   * A hairpin port of a bridge inside a node, or the veth end facing one: a frame reflected there
   * carries a source MAC of the side it returns to, so two tcpdumps (-Q in, -Q out) record it, and
   * their merged pcapng marks each packet's direction.
   */
  perDirection: boolean;
}

interface ProbePlanBase {
  name: string;
  /** The step the probe belongs to; none: a top-level probe, run before every step. */
  step?: string;
  from: string;
  expect: 'connects' | 'fails' | 'either';
  connectTimeoutMs: number;
}

/** One HTTP request with curl. */
export interface HttpProbePlan extends ProbePlanBase {
  kind: 'http';
  url: string;
  port: number;
  /** "host:port" (an IPv6 host in brackets), as reported in results. */
  target: string;
  /** The client address the echo server must report. */
  serverSees?: string;
}

/** ICMP echo requests with ping. */
export interface PingProbePlan extends ProbePlanBase {
  kind: 'ping';
  /** The address pinged, as reported in results. */
  target: string;
  broadcast?: boolean;
  /** Payload bytes; ping's default (56) when absent. */
  size?: number;
  dontFragment?: boolean;
  count: number;
  intervalMs: number;
}

/** One datagram (udp) or one connect (tcp), with the port-probe script (src/traffic/port-probe.py). */
interface PortProbePlan extends ProbePlanBase {
  /** The address or name the probe sends to. */
  host: string;
  port: number;
  /** "host:port" (an IPv6 host in brackets), as reported in results. */
  target: string;
  /** The client address the UDP or TCP service must report. */
  serverSees?: string;
}

export interface UdpProbePlan extends PortProbePlan {
  kind: 'udp';
  /** The client port to send from; the kernel's pick when absent. */
  sourcePort?: number;
}

export interface TcpProbePlan extends PortProbePlan {
  kind: 'tcp';
}

export type ProbePlan = HttpProbePlan | PingProbePlan | UdpProbePlan | TcpProbePlan;

export interface TopologyPlan {
  runId: string;
  scenario: string;
  description: string;
  needs: Capability[];
  diagnosis: Partial<Record<DiagnosisRule, boolean>>;
  stormGuard: { maxPacketsPerSecond: number };
  nodes: NodePlan[];
  links: LinkPlan[];
  captures: CapturePointPlan[];
  /** Top-level probes first, then each step's in step order. */
  probes: ProbePlan[];
  /** Changes to the running lab, in order; each followed by its own probes (`ProbePlan.step`). */
  steps: StepPlan[];
  flows: FlowExpectationDef[];
  /** Conntrack and counter expectations, and whether kernel health is checked. */
  kernelChecks: KernelChecksPlan;
}

/** One step's changes, resolved: every node and device named exists. */
export interface StepPlan {
  name: string;
  rulesets: { node: string; change: 'replace' | 'add' | 'flush'; rulesets: RulesetDef[] }[];
  sysctls: { node: string; settings: Record<string, string> }[];
  interfaces: ({ node: string; iface: string } & InterfaceChangeDef)[];
  reset: { conntrack: string[]; counters: string[] };
}

export interface KernelChecksPlan {
  conntrack: ConntrackExpectationDef[];
  counters: CounterExpectationDef[];
  /** Taint and kernel log compared before and after the run. */
  health: boolean;
}

export function netnsName(runId: string, node: string): string {
  return `nl-${runId}-${node}`;
}

/** Every format a node's rules take over the run, the steps' included: what its kernel state reads. */
export function rulesetFormats(plan: Pick<TopologyPlan, 'nodes' | 'steps'>, node: string) {
  const initial = plan.nodes.find((n) => n.name === node)?.rulesets ?? [];
  const later = plan.steps.flatMap((s) => s.rulesets.filter((r) => r.node === node));
  return new Set([...initial, ...later.flatMap((r) => r.rulesets)].map((r) => r.format));
}
