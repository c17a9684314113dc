// The resolved topology (stage 2 output): every name, address, MAC and route fixed and checked.

import type {
  FlowExpectationDef,
  NodeDef,
  RouteDef,
  RulesetDef,
  ServiceDef,
} from '../scenario/define-scenario.ts';

export interface InterfacePlan {
  name: string;
  kind: 'veth' | 'bridge' | 'loopback';
  /** Locally administered and unique in the run, so a frame's source MAC names its sender. */
  mac?: string;
  addresses: string[];
  /** The bridge this interface is a port of. */
  master?: string;
  /** The other end of a veth. */
  peer?: { node: string; iface: string };
}

export interface NodePlan {
  name: string;
  kind: NodeDef['kind'];
  netns: string;
  interfaces: InterfacePlan[];
  routes: RouteDef[];
  sysctls: Record<string, string>;
  rulesets: RulesetDef[];
  services: ServiceDef[];
}

export interface LinkPlan {
  a: { node: string; iface: string };
  b: { node: string; iface: string };
}

export interface CapturePointPlan {
  node: string;
  iface: string;
  /** "node:iface", the name checks and reports use. */
  id: string;
}

export interface ProbePlan {
  name: string;
  from: string;
  url: string;
  /** "host:port", as reported in results. */
  target: string;
  host: string;
  port: number;
  expect: 'connects' | 'fails';
  serverSees?: string;
  connectTimeoutMs: number;
}

export interface TopologyPlan {
  runId: string;
  scenario: string;
  description: string;
  nodes: NodePlan[];
  links: LinkPlan[];
  captures: CapturePointPlan[];
  probes: ProbePlan[];
  flows: FlowExpectationDef[];
}

export function netnsName(runId: string, node: string): string {
  return `nl-${runId}-${node}`;
}

export function findNode(plan: TopologyPlan, name: string): NodePlan {
  const node = plan.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`node ${name} is not in the plan`);
  return node;
}
