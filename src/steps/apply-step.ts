// Stage 6a: one step's changes made to the running lab, in the order a step states them: rulesets,
// sysctls, interfaces, then resets. Each node's rules are tracked, so a flush knows what it empties.

import { sysctlArgv } from '../backend/netns/set-sysctls.ts';
import type { Topology } from '../backend/topology.ts';
import type { NodePlan, StepPlan } from '../plan/topology-plan.ts';
import { brouteTool, loadRulesets } from '../rulesets/apply-rulesets.ts';
import type { RulesetDef } from '../scenario/define-scenario.ts';
import { settleAll } from '../system/settle-all.ts';
import { changeInterface } from './change-interfaces.ts';
import { resetConntrack, resetCounters } from './reset-kernel-state.ts';

/** Each node's rulesets as loaded now: the plan's, then as the steps so far left them. */
export type ActiveRulesets = Map<string, RulesetDef[]>;

export function initialRulesets(nodes: readonly NodePlan[]): ActiveRulesets {
  return new Map(nodes.map((n) => [n.name, [...n.rulesets]]));
}

export interface ApplyStepOptions {
  topology: Topology;
  step: StepPlan;
  /** Updated as the step replaces, adds or flushes rules. */
  active: ActiveRulesets;
}

/** Makes the step's changes; returns them in words, one line each, for the report. */
export async function applyStep({ topology, step, active }: ApplyStepOptions): Promise<string[]> {
  const node = (name: string) => {
    const planned = topology.plan.nodes.find((n) => n.name === name);
    if (!planned) throw new Error(`step ${step.name}: node ${name} is not in the plan`);
    return planned;
  };
  const done: string[][] = [];
  done.push(
    await settleAll(
      step.rulesets.map(async ({ node: name, change, rulesets }) => {
        const current = active.get(name) ?? [];
        if (change !== 'add') await flushRulesets({ topology, node: name, current });
        await loadRulesets({ topology, node: node(name), rulesets, stage: 'steps' });
        active.set(name, change === 'add' ? [...current, ...rulesets] : [...rulesets]);
        const formats = [...new Set(rulesets.map((r) => r.format))].join('+');
        return change === 'flush'
          ? `${name}: rulesets flushed`
          : `${name}: rulesets ${change === 'add' ? 'added' : 'replaced'} (${formats})`;
      }),
    ),
  );
  done.push(
    await settleAll(
      step.sysctls.map(async ({ node: name, settings }) => {
        await topology.exec(name, sysctlArgv({ ...node(name), sysctls: settings }), {
          action: 'set sysctls',
          stage: 'steps',
        });
        const set = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
        return `${name}: ${set.join(', ')}`;
      }),
    ),
  );
  // One device after another: a link brought up waits for its carrier, which a later one may need.
  for (const change of step.interfaces) done.push([await changeInterface(topology, change)]);
  done.push(
    await settleAll(step.reset.conntrack.map((name) => resetConntrack(topology, name))),
    await settleAll(
      step.reset.counters.map((name) => resetCounters(topology, name, active.get(name) ?? [])),
    ),
  );
  return done.flat();
}

/**
 * An empty ruleset for every format natlab loads: iptables' and ip6tables' tables (nat included)
 * emptied with their policies back to ACCEPT, ebtables' tables reset, then nft's whole ruleset
 * flushed last, which also takes the tables iptables-nft keeps there.
 */
async function flushRulesets({
  topology,
  node,
  current,
}: {
  topology: Topology;
  node: string;
  current: readonly RulesetDef[];
}): Promise<void> {
  const run = (argv: string[], input?: string) =>
    topology.exec(node, argv, { action: `flush ${argv[0]} rules`, stage: 'steps', input });
  await run(['iptables-restore'], EMPTY_IPTABLES);
  await run(['ip6tables-restore'], EMPTY_IPTABLES);
  for (const table of ['filter', 'nat']) await run(['ebtables', '-t', table, '--init-table']);
  const broute = await brouteTool(topology, node, current);
  if (broute) await run([broute, '-t', 'broute', '--init-table']);
  await run(['nft', 'flush', 'ruleset']);
}

const CHAINS: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
};

/** iptables-restore input that leaves each table empty: built-in chains ACCEPT, user chains gone. */
const EMPTY_IPTABLES = `${Object.entries(CHAINS)
  .map(([table, chains]) =>
    [`*${table}`, ...chains.map((c) => `:${c} ACCEPT [0:0]`), 'COMMIT'].join('\n'),
  )
  .join('\n')}\n`;
