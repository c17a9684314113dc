// Stage 4: load each node's rulesets with the kernel's own tools, then keep the kernel's dump for the report.

import type { Topology } from '../backend/topology.ts';
import type { RulesetFormat } from '../scenario/define-scenario.ts';
import { settleAll } from '../system/settle-all.ts';

export interface AppliedRuleset {
  node: string;
  formats: RulesetFormat[];
  /** What the kernel holds afterwards (iptables-save / nft list ruleset). */
  dump: string;
}

const LOADERS: Record<RulesetFormat, string[]> = {
  iptables: ['iptables-restore'],
  nft: ['nft', '-f', '-'],
};

const DUMPERS: Record<RulesetFormat, string[]> = {
  iptables: ['iptables-save'],
  nft: ['nft', 'list', 'ruleset'],
};

export async function applyRulesets(topology: Topology): Promise<AppliedRuleset[]> {
  const nodes = topology.plan.nodes.filter((n) => n.rulesets.length > 0);
  return settleAll(
    nodes.map(async (node): Promise<AppliedRuleset> => {
      for (const ruleset of node.rulesets) {
        await topology.exec(node.name, LOADERS[ruleset.format], {
          action: `apply ${ruleset.format} ruleset`,
          stage: 'rules',
          input: ruleset.text,
        });
      }
      const formats = [...new Set(node.rulesets.map((r) => r.format))];
      const dumps = await settleAll(
        formats.map((f) =>
          topology.exec(node.name, DUMPERS[f], { action: `dump ${f} ruleset`, stage: 'rules' }),
        ),
      );
      return { node: node.name, formats, dump: dumps.map((d) => d.stdout).join('\n') };
    }),
  );
}
