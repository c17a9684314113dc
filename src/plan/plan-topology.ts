// Stage 2: ScenarioDef -> TopologyPlan. Pure: every problem of meaning (names, references, addresses)
// is found here, before anything exists; shapes, types and ranges were checked by validateScenario.
// Each step is its own module; this one fixes their order and reports every problem at once.

import { NatlabError } from '../errors.ts';
import type { Capability, ScenarioDef } from '../scenario/define-scenario.ts';
import { checkAddresses, checkRoutes, resolveNeighbors } from './plan-addresses.ts';
import { planCaptures } from './plan-captures.ts';
import { checkFlows } from './plan-flow-checks.ts';
import { assignMacsAndIndexes, checkInterfaces } from './plan-interfaces.ts';
import { checkIpv6Use } from './plan-ipv6.ts';
import { planKernelChecks } from './plan-kernel-checks.ts';
import { attachBridgePorts, planLinks } from './plan-links.ts';
import { planNodes, turnOffDeviceDad } from './plan-nodes.ts';
import { planProbes } from './plan-probes.ts';
import type { PlanState } from './plan-state.ts';
import { checkStepScopes, planSteps } from './plan-steps.ts';
import { checkSubInterfaces, checkSysctlDevices } from './plan-sub-interfaces.ts';
import type { TopologyPlan } from './topology-plan.ts';

/** Far above any test's traffic (tens of packets), far below a bridge loop (10^5 packets/s). */
const DEFAULT_STORM_PPS = 20_000;

export interface PlanOptions {
  scenario: string;
  runId: string;
}

export function planTopology(def: ScenarioDef, { scenario, runId }: PlanOptions): TopologyPlan {
  const problems: string[] = [];
  const state: PlanState = { def, nodes: planNodes({ def, runId, problems }), problems };
  // Links before interface checks and MACs: a link declares the veths it joins.
  const links = planLinks(state);
  attachBridgePorts(state);
  checkSubInterfaces(state);
  checkSysctlDevices(state);
  turnOffDeviceDad(state);
  checkInterfaces(state);
  assignMacsAndIndexes(state);
  checkAddresses(state);
  checkRoutes(state);
  resolveNeighbors(state);
  checkIpv6Use(state);
  const probes = planProbes(state);
  const steps = planSteps(state);
  checkStepScopes(def, { steps, probes, problems });
  const captures = planCaptures(state);
  checkFlows({ ...state, captures, probes });
  const kernelChecks = planKernelChecks({ ...state, steps });

  if (problems.length > 0) {
    throw new NatlabError(
      `scenario "${scenario}" is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { code: 'INVALID_SCENARIO', stage: 'plan' },
    );
  }
  return {
    runId,
    scenario,
    description: def.description,
    needs: impliedNeeds(def),
    diagnosis: def.diagnosis ?? {},
    stormGuard: def.stormGuard ?? { maxPacketsPerSecond: DEFAULT_STORM_PPS },
    nodes: [...state.nodes.values()],
    links,
    captures,
    probes,
    steps,
    flows: def.flows ?? [],
    kernelChecks,
  };
}

/** The scenario's needs, and those its devices imply: a VLAN interface needs 802.1Q. */
function impliedNeeds(def: ScenarioDef): Capability[] {
  const needs = new Set(def.needs ?? []);
  const interfaces = Object.values(def.nodes).flatMap((node) =>
    Object.values(node.interfaces ?? {}),
  );
  if (interfaces.some((iface) => iface.kind === 'vlan')) needs.add('vlan');
  return [...needs];
}
