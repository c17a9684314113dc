// Stage 4: load each node's rulesets with the kernel's own tools, then keep the kernel's dump for the report.

import type { Topology } from '../backend/topology.ts';
import { openWrtToNft } from '../candidates/openwrt-nft.ts';
import { nodeHost } from '../candidates/openwrt-zones.ts';
import type { Stage } from '../errors.ts';
import type { NodePlan } from '../plan/topology-plan.ts';
import { CAPABILITY_TESTS } from '../preflight/probe-capabilities.ts';
import { type CommandTool, parseCommandList } from '../scenario/command-lists.ts';
import type { RulesetDef, RulesetFormat } from '../scenario/define-scenario.ts';
import { settleAll } from '../system/settle-all.ts';

export interface AppliedRuleset {
  node: string;
  formats: RulesetFormat[];
  /** What the kernel holds afterwards (iptables-save / ip6tables-save / nft list ruleset / ebtables -L). */
  dump: string;
}

interface Loader {
  /** Each argv runs in turn, with the stdin given. */
  load(ruleset: RulesetDef, node: NodePlan): { argv: string[]; input?: string }[];
  dump(ruleset: RulesetDef): string[][];
}

const LOADERS: Record<RulesetFormat, Loader> = {
  iptables: {
    load: (r) => [{ argv: ['iptables-restore'], input: r.text }],
    dump: () => [['iptables-save']],
  },
  nft: {
    load: (r) => [{ argv: ['nft', '-f', '-'], input: r.text }],
    dump: () => [['nft', 'list', 'ruleset']],
  },
  ip6tables: {
    load: (r) => [{ argv: ['ip6tables-restore'], input: r.text }],
    dump: () => [['ip6tables-save']],
  },
  'iptables-commands': commandList('iptables', (t) => ['iptables-save', '-t', t]),
  'ip6tables-commands': commandList('ip6tables', (t) => ['ip6tables-save', '-t', t]),
  ebtables: commandList('ebtables', (t) => ['ebtables', '-t', t, '-L']),
  // Translated as firewall4 would; the plan has already refused a config that does not translate.
  openwrt: {
    load: (r, node) => [
      {
        argv: ['nft', '-f', '-'],
        input: openWrtToNft(r.text, nodeHost(r.networks, node.interfaces), { filter: r.filter })
          .nft,
      },
    ],
    dump: () => [['nft', 'list', 'ruleset']],
  },
};

/**
 * ebtables-nft before iptables 1.8.10 has no broute table (Debian 12 has 1.8.9); ebtables-legacy
 * has it wherever the kernel does (CONFIG_BRIDGE_EBT_BROUTE). A broute ruleset runs with the tool
 * the capability probe would take, as an admin would switch the ebtables alternative.
 */
async function ebtablesVariant(topology: Topology, node: string, ruleset: RulesetDef) {
  if (ruleset.format !== 'ebtables') return undefined;
  if (!parseCommandList(ruleset.text, 'ebtables').tables.includes('broute')) return undefined;
  const { argv, orElse } = CAPABILITY_TESTS['ebtables-broute'];
  const first = await topology.exec(node, argv, {
    action: 'look for the broute table in ebtables',
    stage: 'rulesets',
    allowFailure: true,
  });
  return first.exitCode === 0 ? undefined : orElse?.[0];
}

function commandList(tool: CommandTool, dump: (table: string) => string[]): Loader {
  return {
    load: (r) => parseCommandList(r.text, tool).commands.map((argv) => ({ argv })),
    dump: (r) => parseCommandList(r.text, tool).tables.map(dump),
  };
}

export async function applyRulesets(topology: Topology): Promise<AppliedRuleset[]> {
  const nodes = topology.plan.nodes.filter((n) => n.rulesets.length > 0);
  return settleAll(
    nodes.map(async (node): Promise<AppliedRuleset> => {
      const dumps = await loadRulesets({ topology, node, rulesets: node.rulesets });
      const unique = [...new Map(dumps.map((argv) => [argv.join(' '), argv])).values()];
      const outputs = await settleAll(
        unique.map((argv) =>
          topology.exec(node.name, argv, { action: `dump ${argv[0]} ruleset`, stage: 'rulesets' }),
        ),
      );
      return {
        node: node.name,
        formats: [...new Set(node.rulesets.map((r) => r.format))],
        dump: outputs.map((o) => o.stdout).join('\n'),
      };
    }),
  );
}

export interface LoadRulesetsOptions {
  topology: Topology;
  node: NodePlan;
  rulesets: readonly RulesetDef[];
  stage?: Stage;
}

/** Loads rulesets on a node, in order, on top of what it holds; returns the argv that dump them. */
export async function loadRulesets({
  topology,
  node,
  rulesets,
  stage = 'rulesets',
}: LoadRulesetsOptions): Promise<string[][]> {
  const dumps: string[][] = [];
  for (const ruleset of rulesets) {
    const loader = LOADERS[ruleset.format];
    const variant = await ebtablesVariant(topology, node.name, ruleset);
    const withVariant = ([tool = '', ...rest]: string[]) => [variant ?? tool, ...rest];
    for (const { argv, input } of loader.load(ruleset, node)) {
      await topology.exec(node.name, withVariant(argv), {
        action: `apply ${ruleset.format} ruleset`,
        stage,
        input,
      });
    }
    dumps.push(...loader.dump(ruleset).map(withVariant));
  }
  return dumps;
}

/** The ebtables the node's broute rules were loaded with, when any were (ebtables-legacy on older iptables). */
export async function brouteTool(
  topology: Topology,
  node: string,
  rulesets: readonly RulesetDef[],
): Promise<string | undefined> {
  const broute = rulesets.find(
    (r) =>
      r.format === 'ebtables' && parseCommandList(r.text, 'ebtables').tables.includes('broute'),
  );
  return broute && ((await ebtablesVariant(topology, node, broute)) ?? 'ebtables');
}
