// The known remedy for a hairpin that fails (the reply skips the router, or the LAN is never
// forwarded): the LAN-side masquerade in the config's own language, or OpenWrt's reflection. Pure:
// it gives the rule and the config with it applied.

import type { CandidateFormat } from '../candidates/load-candidate.ts';
import type { AuditLab } from './audit-lab.ts';
import type { PortForward } from './forward.ts';

export interface Remedy {
  /** The rule as the user would add it. */
  rule: string;
  /** The whole config with it applied. */
  config: string;
}

export function hairpinRemedy({
  format,
  config,
  forward,
  lab,
}: {
  format: CandidateFormat;
  config: string;
  forward: PortForward;
  lab: Pick<AuditLab, 'lanCidr' | 'lanName' | 'lanIface'>;
}): Remedy | undefined {
  const { proto, toAddr, toPort } = forward;
  const text = config.endsWith('\n') ? config : `${config}\n`;
  if (format === 'routeros') {
    const rule = `add chain=srcnat src-address=${lab.lanCidr} dst-address=${toAddr} protocol=${proto} dst-port=${toPort} out-interface=${lab.lanName} action=masquerade`;
    return { rule, config: `${text}${rule}\n` };
  }
  const matches = `-s ${lab.lanCidr} -d ${toAddr}/32 -o ${lab.lanIface} -p ${proto} -m ${proto} --dport ${toPort} -j MASQUERADE`;
  if (format === 'iptables') {
    const rule = `-A POSTROUTING ${matches}`;
    const lines = text.split('\n');
    const nat = lines.findIndex((l) => l.trim() === '*nat');
    const commit = lines.findIndex((l, i) => i > nat && l.trim() === 'COMMIT');
    if (nat < 0 || commit < 0) return { rule, config: `${text}*nat\n${rule}\nCOMMIT\n` };
    lines.splice(commit, 0, rule);
    return { rule, config: lines.join('\n') };
  }
  if (format === 'iptables-commands') {
    const rule = `iptables -t nat -A POSTROUTING ${matches}`;
    return { rule, config: `${text}${rule}\n` };
  }
  if (format === 'nft') {
    const rule = `table ip natlab_hairpin { chain postrouting { type nat hook postrouting priority srcnat; policy accept; ip saddr ${lab.lanCidr} ip daddr ${toAddr} oifname "${lab.lanIface}" ${proto} dport ${toPort} masquerade; } }`;
    return { rule, config: `${text}${rule}\n` };
  }
  if (format === 'openwrt' && forward.redirect && !forward.redirect.reflection) {
    return openWrtReflection(text, forward);
  }
  return undefined;
}

/** `option reflection '1'` in the forward's redirect section, replacing its '0'. */
function openWrtReflection(text: string, forward: PortForward): Remedy | undefined {
  const lines = text.split('\n');
  const start = forward.line - 1;
  let end = lines.findIndex((l, i) => i > start && /^\s*config\s/.test(l));
  if (end < 0) end = lines.length;
  const at = lines.findIndex((l, i) => i > start && i < end && /^\s*option\s+reflection\s/.test(l));
  const rule = `option reflection '1'`;
  if (at >= 0) lines[at] = `\t${rule}`;
  else lines.splice(start + 1, 0, `\t${rule}`);
  return { rule: `${rule} (in redirect '${forward.redirect?.name}')`, config: lines.join('\n') };
}
