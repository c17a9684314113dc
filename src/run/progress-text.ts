// The one-line summary each step of a run prints when it ends.

import type { Finding } from '../analyse/finding.ts';
import type { ProbeJourneys } from '../analyse/journeys.ts';

import type { CaptureSession } from '../capture/start-captures.ts';
import type { CheckResult } from '../check/evaluate-checks.ts';
import type { Packet } from '../decode/packet.ts';
import type { KernelState } from '../kernel-state/read-kernel-state.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import type { AppliedRuleset } from '../rulesets/apply-rulesets.ts';
import type { TeardownFailure } from '../system/teardown-stack.ts';
import type { ProbeResult } from '../traffic/run-probes.ts';
import type { Backend } from './run-scenario.ts';

export const planText = (p: TopologyPlan) =>
  `run ${p.runId}: ${p.nodes.length} nodes, ${p.links.length} links, ${p.captures.length} capture points`;

export const buildText = (plan: TopologyPlan, backend: Backend) =>
  `${plan.nodes.length} namespaces (nl-${plan.runId}-*)${backend === 'mininet' ? ', built by Mininet' : ''}`;

export const rulesetsText = (r: readonly AppliedRuleset[]) =>
  r.map((x) => `${x.node}: ${x.formats.join('+')}`).join(', ') || 'none';

export function captureText(plan: TopologyPlan, capture: CaptureSession): string {
  const services = plan.nodes.flatMap((n) =>
    n.services.map((s) => (s.kind === 'dns' ? `dns ${n.name}` : `${s.kind} ${n.name}:${s.port}`)),
  );
  return `tcpdump listening on ${capture.points.length} interfaces; services: ${services.join(', ') || 'none'}`;
}

export const trafficText = (p: readonly ProbeResult[]) =>
  p.map((x) => `${x.name} ${x.ok ? 'connected' : 'failed'}`).join(', ') || 'no probes';

export const kernelStateText = (k: readonly KernelState[]) =>
  k
    .map(
      (n) =>
        `${n.node}: ${n.conntrack.length} conntrack entries, ${n.counters.length} rule counters`,
    )
    .join('; ') || 'no rules';

export const decodeText = (all: readonly Packet[][]) =>
  `${all.reduce((n, p) => n + p.length, 0)} packets from ${all.length} pcaps`;

export const analyseText = ({
  journeys,
  findings,
}: {
  journeys: readonly ProbeJourneys[];
  findings: readonly Finding[];
}) =>
  `${journeys.reduce((n, j) => n + j.journeys.length, 0)} packet journeys in ${journeys.reduce((n, j) => n + j.connections.length, 0)} connections; ${findings.length} finding(s)`;

export const checkText = (c: readonly CheckResult[]) =>
  `${c.filter((x) => x.ok).length}/${c.length} held`;

export const teardownText = (failures: readonly TeardownFailure[], keep: boolean) =>
  failures.length > 0
    ? `${failures.length} step(s) failed`
    : keep
      ? 'processes stopped, lab kept'
      : 'all removed';
