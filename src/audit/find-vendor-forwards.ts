// Port forwards in the two vendor formats natlab translates: RouterOS `action=dst-nat` (and its
// interface names and lists) and OpenWrt `config redirect` (its zones give the roles). Pure.

import { parseOpenWrtFirewall } from '../candidates/openwrt-firewall.ts';
import { lexRouterOs } from '../candidates/routeros/lex-routeros.ts';
import { NatlabError } from '../errors.ts';
import { type ForwardScan, singleAddress } from './forward.ts';
import { REDIRECT_REASON, ScanBuilder } from './scan-builder.ts';

function bad(error: unknown, what: string): never {
  if (error instanceof Error && !(error instanceof NatlabError)) {
    throw new NatlabError(`audit: ${what} ${error.message}`, {
      code: 'BAD_INPUT',
      stage: 'candidates',
    });
  }
  throw error;
}

export function findRouterOsForwards(text: string): ForwardScan {
  const scan = new ScanBuilder();
  try {
    for (const command of lexRouterOs(text)) {
      if (command.menu !== '/ip firewall nat') continue;
      const p = Object.fromEntries(command.properties.map((x) => [x.key, x.value]));
      if (p.disabled === 'yes') continue;
      const rule = { line: command.line, text: command.source };
      const iface = p['in-interface'] ?? p['in-interface-list'];
      if (p.chain === 'srcnat' && (p.action === 'masquerade' || p.action === 'src-nat')) {
        scan.srcnat({
          oif: p['out-interface'] ?? p['out-interface-list'],
          saddr: p['src-address'],
          daddr: p['dst-address'],
        });
      }
      if (p.action === 'redirect') scan.skip(rule.line, rule.text, REDIRECT_REASON);
      if (p.action !== 'dst-nat') continue;
      if (iface?.startsWith('!')) scan.roles.lan ??= iface.slice(1);
      const dst = p['dst-address'];
      const publicIp = dst && !dst.startsWith('!') ? singleAddress(dst) : undefined;
      if (dst && !publicIp) {
        scan.skip(rule.line, rule.text, `dst-address=${dst} is not one public address`);
        continue;
      }
      scan.add(rule, {
        proto: p.protocol,
        ports: p['dst-port'],
        publicIp,
        inIface: iface && !iface.startsWith('!') ? iface : undefined,
        target: p['to-addresses'] ?? p['to-address'],
        toPort: p['to-ports'] ?? p['to-port'],
      });
    }
  } catch (error) {
    bad(error, 'RouterOS export');
  }
  return scan.done('routeros');
}

export function findOpenWrtForwards(text: string): ForwardScan {
  const scan = new ScanBuilder();
  let model: ReturnType<typeof parseOpenWrtFirewall>;
  try {
    model = parseOpenWrtFirewall(text);
  } catch (error) {
    bad(error, 'OpenWrt firewall config');
  }
  const zone = (name?: string) => model.zones.find((z) => z.name === name);
  const lines = text.split('\n');
  for (const r of model.redirects) {
    if (!r.enabled || r.target !== 'dnat') continue;
    const rule = { line: r.line, text: lines[r.line - 1] ?? `config redirect '${r.name}'` };
    const wan = zone(r.src)?.networks[0];
    scan.roles.wan ??= wan;
    scan.roles.lan ??= zone(r.dest)?.networks[0];
    const publicIp = r.srcDip && !r.srcDip.not ? singleAddress(r.srcDip.cidr) : undefined;
    if (r.srcDip && !publicIp) {
      scan.skip(rule.line, rule.text, `src_dip ${r.srcDip.cidr} is not one public address`);
      continue;
    }
    if (!r.destIp || r.destIp.not) {
      scan.skip(rule.line, rule.text, `redirect "${r.name}" has no dest_ip: ${REDIRECT_REASON}`);
      continue;
    }
    for (const proto of r.protos) {
      scan.add(
        rule,
        {
          proto: proto === 'all' ? 'all' : proto,
          ports: r.srcDport?.replace(/^(\d+)-\1$/, '$1'),
          publicIp,
          inIface: wan,
          target: r.destIp.cidr,
          toPort: r.destPort,
        },
        { redirect: { name: r.name, reflection: r.reflection } },
      );
    }
  }
  scan.roles.wan ??= model.zones.find((z) => z.masq)?.networks[0];
  return scan.done('openwrt');
}
