// Every port forward in a router config, in the config's own format: iptables-restore or command
// lines (-j DNAT), nft (dnat to), RouterOS (action=dst-nat) and OpenWrt (config redirect). Pure.

import { detectFormat } from '../candidates/load-candidate.ts';
import { NatlabError } from '../errors.ts';
import { findOpenWrtForwards, findRouterOsForwards } from './find-vendor-forwards.ts';
import { type ForwardScan, singleAddress } from './forward.ts';
import { REDIRECT_REASON, ScanBuilder } from './scan-builder.ts';

export function findForwards(text: string): ForwardScan {
  const format = detectFormat(text);
  if (format === 'routeros') return findRouterOsForwards(text);
  if (format === 'openwrt') return findOpenWrtForwards(text);
  if (format === 'nft') return findNftForwards(text);
  if (format === 'iptables' || format === 'iptables-commands') {
    return findIptablesForwards(text, format);
  }
  throw new NatlabError(
    'audit: the config is in no format audit reads: iptables-restore (*nat ... COMMIT), iptables command lines, nft (table ...), a RouterOS export (/ip firewall nat) or an OpenWrt firewall config (config zone ...)',
    { code: 'BAD_INPUT', stage: 'candidates' },
  );
}

/** iptables options by name; `not` when a "!" stood before the option or its value. */
function iptablesOptions(text: string): Map<string, { value: string; not: boolean }> {
  const tokens = text
    .replace(/"[^"]*"|'[^']*'/g, '""')
    .split(/\s+/)
    .filter(Boolean);
  const options = new Map<string, { value: string; not: boolean }>();
  let not = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token === '!') {
      not = true;
      continue;
    }
    if (!token.startsWith('-')) continue;
    let value = tokens[i + 1] ?? '';
    let negated = not;
    if (value === '!') {
      negated = true;
      value = tokens[i + 2] ?? '';
      i++;
    }
    options.set(ALIASES[token] ?? token, { value, not: negated });
    not = false;
  }
  return options;
}

const ALIASES: Record<string, string> = {
  '--protocol': '-p',
  '--destination': '-d',
  '--source': '-s',
  '--in-interface': '-i',
  '--out-interface': '-o',
  '--jump': '-j',
  '--destination-port': '--dport',
  '--dports': '--dport',
  '--to': '--to-destination',
  '--table': '-t',
  '--append': '-A',
  '--insert': '-I',
};

function findIptablesForwards(text: string, format: 'iptables' | 'iptables-commands'): ForwardScan {
  const scan = new ScanBuilder();
  let table = 'filter';
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line.startsWith('*')) table = line.slice(1);
    if (!/^(iptables\s+)?-[AI]\s/.test(line) && !line.startsWith('iptables ')) continue;
    const o = iptablesOptions(line);
    const lineTable = format === 'iptables' ? table : (o.get('-t')?.value ?? 'filter');
    if (lineTable !== 'nat') continue;
    const value = (name: string) => {
      const option = o.get(name);
      return option && !option.not ? option.value : undefined;
    };
    const jump = value('-j');
    const rule = { line: index + 1, text: line };
    if (jump === 'MASQUERADE' || jump === 'SNAT') {
      scan.srcnat({ oif: value('-o'), saddr: value('-s'), daddr: o.get('-d')?.value });
    }
    if (jump === 'REDIRECT') {
      scan.skip(rule.line, line, REDIRECT_REASON);
      continue;
    }
    if (jump !== 'DNAT') continue;
    const inIface = o.get('-i');
    if (inIface?.not) scan.roles.lan ??= inIface.value;
    const dest = o.get('-d');
    const publicIp = dest && !dest.not ? singleAddress(dest.value) : undefined;
    if (dest && !publicIp) {
      scan.skip(
        rule.line,
        line,
        `destination ${dest.not ? '! ' : ''}${dest.value} is not one public address; name one with --public-ip`,
      );
      continue;
    }
    scan.add(rule, {
      proto: value('-p'),
      ports: value('--dport'),
      publicIp,
      inIface: value('-i'),
      target: value('--to-destination'),
    });
  }
  return scan.done(format);
}

function findNftForwards(text: string): ForwardScan {
  const scan = new ScanBuilder();
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    const rule = { line: index + 1, text: line };
    const iif = /\biifname\s+(!=\s+)?"?([\w.+-]+)"?/.exec(line);
    if (/\b(jump|goto)\s/.test(line) && iif && !iif[1]) scan.jumpIfaces.push(iif[2] as string);
    if (/\b(masquerade|snat)\b/.test(line) && !line.startsWith('type ')) {
      scan.srcnat({
        oif: /\boifname\s+"?([\w.+-]+)"?/.exec(line)?.[1],
        saddr: /\bip saddr\s+(\S+)/.exec(line)?.[1],
        daddr: /\bip daddr\s+(\S+)/.exec(line)?.[1],
      });
    }
    if (/\bredirect\b/.test(line) && !line.startsWith('type ')) {
      scan.skip(rule.line, line, REDIRECT_REASON);
      continue;
    }
    const dnat = /\bdnat\s+(?:ip\s+)?to\s+(\S+)/.exec(line);
    if (!dnat) continue;
    if (iif?.[1]) scan.roles.lan ??= iif[2];
    const daddr = /\bip daddr\s+(!=\s+)?(\S+)/.exec(line);
    const publicIp = daddr && !daddr[1] ? singleAddress(daddr[2] as string) : undefined;
    if (daddr && !publicIp) {
      scan.skip(
        rule.line,
        line,
        `destination ${daddr[2]} is not one public address; name one with --public-ip`,
      );
      continue;
    }
    const ports = /\b(tcp|udp|th)\s+dport\s+(\{[^}]*\}|\S+)/.exec(line);
    const l4 = /\bmeta l4proto\s+(\w+)/.exec(line)?.[1] ?? /\bip protocol\s+(\w+)/.exec(line)?.[1];
    scan.add(rule, {
      proto: ports?.[1] === 'th' || !ports ? l4 : ports[1],
      ports: ports?.[2]?.replace(/[{}]/g, ''),
      publicIp,
      inIface: iif && !iif[1] ? iif[2] : undefined,
      target: dnat[1]?.replace(/[;,]$/, ''),
    });
  }
  return scan.done('nft');
}
