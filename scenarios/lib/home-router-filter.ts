// A home router with a default-drop forward filter: the catalog's hairpin lab (hairpin-lab.ts),
// its port forward and masquerade, plus an iptables filter table whose FORWARD policy is DROP.
// iptables(8): "iptables [-t table] -P chain target" ("--policy -P chain target: Change policy on
// chain to target"); a packet that no rule of a built-in chain decided takes the chain's policy.

import type { RulesetDef, ScenarioDef } from 'natlab';
import { hairpinLab, portForwardRules } from './hairpin-lab.ts';

/** The rules every default-drop router starts with: replies to what it let through. */
export const ACCEPT_REPLIES = '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT';

/** An iptables-restore filter table: INPUT and OUTPUT accept, FORWARD drops what no rule accepts. */
export function dropByDefault(rules: string[]): RulesetDef {
  return {
    format: 'iptables',
    text: [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':FORWARD DROP [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ACCEPT_REPLIES,
      ...rules,
      'COMMIT',
      '',
    ].join('\n'),
  };
}

/** The catalog lab whose router forwards only what these FORWARD rules accept. */
export function homeRouterFilterLab(forward: string[]): Pick<ScenarioDef, 'nodes' | 'links'> {
  return hairpinLab({ router: [portForwardRules(), dropByDefault(forward)] });
}
