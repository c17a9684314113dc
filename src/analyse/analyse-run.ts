// Stage 9, the analysis of a run: packets per probe, journeys and connections, and every diagnosis.
// Pure: it spawns nothing and reads no file, so it runs in unit tests on recorded captures.

import type { Packet } from '../decode/packet.ts';
import type { KernelState } from '../kernel-state/read-kernel-state.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import type { ProbeResult } from '../traffic/run-probes.ts';
import { diagnoseJourneys } from './diagnose-journeys.ts';
import { diagnoseL2 } from './diagnose-l2.ts';
import { diagnoseTcp } from './diagnose-tcp.ts';
import { withoutExpectedFailures } from './expected-failures.ts';
import { followJourneys } from './journeys.ts';
import { labView } from './lab-view.ts';
import type { DirectionOf } from './packet-direction.ts';
import { packetsByProbe } from './packets-by-probe.ts';

export interface AnalyseInput {
  plan: TopologyPlan;
  /** With expect and ok, a probe that failed as expected raises no finding it was not asked for. */
  probes: readonly (Pick<ProbeResult, 'name' | 'from' | 'startedAt'> &
    Partial<Pick<ProbeResult, 'expect' | 'ok'>>)[];
  packets: readonly Packet[];
  directionOf: DirectionOf;
  kernelState: readonly KernelState[];
}

export function analyseRun({ plan, probes, packets, directionOf, kernelState }: AnalyseInput) {
  const lab = labView(plan);
  const byProbe = packetsByProbe(packets, probes);
  const probeOfPacket = new Map<Packet, string>();
  for (const [probe, own] of byProbe) for (const p of own) probeOfPacket.set(p, probe);
  const journeys = probes.map((p) => followJourneys(byProbe.get(p.name) ?? [], directionOf, lab));
  const servers = new Map<number, string[]>();
  for (const node of plan.nodes)
    for (const service of node.services)
      if (service.kind === 'http' || service.kind === 'tcp')
        servers.set(service.port, [...(servers.get(service.port) ?? []), node.name]);
  const found = [
    ...diagnoseTcp(probes, byProbe, directionOf),
    ...diagnoseJourneys({
      probes: probes.map((p, i) => ({
        name: p.name,
        port: tcpPort(plan, p.name),
        journeys: journeys[i]?.journeys ?? [],
      })),
      lab,
      servers,
      counters: new Map(kernelState.map((k) => [k.node, k.counters])),
      policies: new Map(kernelState.map((k) => [k.node, k.policies])),
    }),
    ...diagnoseL2(plan, packets, directionOf, (p) => probeOfPacket.get(p)),
  ];
  const findings = withoutExpectedFailures({ findings: found, probes, diagnosis: plan.diagnosis });
  return { byProbe, journeys, findings };
}

/** The TCP server port an http or tcp probe asks for; ping and udp probes have none. */
function tcpPort(plan: TopologyPlan, probe: string): number | undefined {
  const planned = plan.probes.find((q) => q.name === probe);
  return planned?.kind === 'http' || planned?.kind === 'tcp' ? planned.port : undefined;
}
