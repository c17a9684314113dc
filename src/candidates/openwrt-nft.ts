// The NAT part of an OpenWrt firewall config as the nft firewall4 would load: per zone dstnat_ and
// srcnat_ chains reached by device, port forwards with their reflection (hairpin) rules, masquerade
// and config nat. IPv4 only. Pure: the router's devices and addresses come from the caller.

import { forwardChains } from './openwrt-filter.ts';
import {
  type AddressMatch,
  OpenWrtError,
  type OpenWrtFirewall,
  type OpenWrtNat,
  type OpenWrtRedirect,
  type OpenWrtZone,
  type Proto,
  parseOpenWrtFirewall,
} from './openwrt-firewall.ts';
import { render, rule, set } from './openwrt-text.ts';
import {
  inside,
  network,
  type OpenWrtHost,
  type ResolvedZone,
  resolveZone,
} from './openwrt-zones.ts';

export interface OpenWrtTranslation {
  nft: string;
  /** What fw4 would warn about and skip, each naming its section. */
  warnings: string[];
}

const hostOf = (m: AddressMatch) => m.cidr.split('/')[0] ?? m.cidr;

/** A rule's source and destination matches, each one address or CIDR, maybe negated. */
const between = (saddr: AddressMatch | undefined, daddr: AddressMatch | undefined) => ({
  ...(saddr ? { saddr: [saddr.cidr], saddrNot: saddr.not } : {}),
  ...(daddr ? { daddr: [daddr.cidr], daddrNot: daddr.not } : {}),
});
const to = (address: string, port: string | undefined) => `${address}${port ? `:${port}` : ''}`;

export interface OpenWrtOptions {
  /** Also the forward filter: zones' forward policies, forwardings, port forwards accepted. */
  filter?: boolean;
}

/** The translation of a parsed config, for one router. */
function translateOpenWrt(
  model: OpenWrtFirewall,
  host: OpenWrtHost,
  options: OpenWrtOptions,
): OpenWrtTranslation {
  const warnings: string[] = [];
  const enabled = model.zones.filter((z) => z.enabled);
  const resolved = new Map<string, ResolvedZone>();
  const zone = (name: string) => {
    const def = enabled.find((z) => z.name === name);
    if (!def) return undefined;
    const found = resolved.get(name) ?? resolveZone(def, host);
    resolved.set(name, found);
    return found;
  };
  const tryZone = (name: string) => {
    try {
      return zone(name);
    } catch (error) {
      if (error instanceof OpenWrtError) return undefined;
      throw error;
    }
  };
  const srcnat: string[] = [];
  const warn = (what: { name: string; line: number }, text: string) =>
    warnings.push(`${what.name} (line ${what.line}): ${text}`);

  // fw4 names each section it leaves out, so a forward switched off is not taken for a missing one.
  for (const off of [...model.zones, ...model.redirects, ...model.nats].filter((x) => !x.enabled))
    warn(off, 'is disabled, ignoring section');
  for (const r of model.redirects.filter((x) => x.enabled)) {
    if (r.family === 'ipv6') warn(r, 'IPv6 only; natlab translates IPv4, skipped');
    else if (r.target === 'dnat') dnatRedirect(r);
    else snatRedirect(r);
  }
  for (const n of model.nats.filter((x) => x.enabled)) natRule(n);
  for (const z of enabled) if (z.masq) masquerade(z);

  function dnatRedirect(r: OpenWrtRedirect): void {
    if (!r.src || r.src === '*') return void warn(r, 'a DNAT needs a source zone, skipped');
    const src = zone(r.src);
    if (!src) return void warn(r, `source zone "${r.src}" is not declared, skipped`);
    let dest = r.dest && r.dest !== '*' ? zone(r.dest) : undefined;
    if (r.dest && r.dest !== '*' && !dest)
      return void warn(r, `destination zone "${r.dest}" is not declared, skipped`);
    const destIp = r.destIp ? hostOf(r.destIp) : undefined;
    if (!dest && destIp) {
      // As fw4: the first zone with a subnet holding dest_ip; a zone natlab cannot place is passed over.
      dest = enabled
        .map((z) => tryZone(z.name))
        .find((z) => z?.subnets.some((s) => inside(destIp, s)));
    }
    const destPort = r.destPort ?? r.srcDport;
    for (const proto of r.protos) {
      const ports = proto === 'all' ? {} : { sport: r.srcPort, dport: r.srcDport };
      const rport = proto === 'all' ? undefined : destPort;
      const verdict = destIp
        ? `dnat ip to ${to(destIp, rport)}`
        : `redirect${rport ? ` to ${rport}` : ''}`;
      src.dnat.push(
        rule({
          proto,
          ...between(r.srcIp, r.srcDip),
          ...ports,
          counter: r.counter,
          verdict,
          name: r.name,
        }),
      );
      if (r.reflection && destIp && dest && src.zone.masq)
        reflect(r, { proto, src, dest, destIp, rport });
    }
  }

  function reflect(
    r: OpenWrtRedirect,
    at: { proto: Proto; src: ResolvedZone; dest: ResolvedZone; destIp: string; rport?: string },
  ): void {
    const external = r.srcDip ? [r.srcDip.cidr] : at.src.subnets.map((s) => s.address);
    const zones = r.reflectionZones.length > 0 ? r.reflectionZones.map((z) => zone(z)) : [at.dest];
    for (const rzone of zones) {
      if (!rzone) {
        warn(r, 'a reflection zone is not declared, skipped');
        continue;
      }
      const internal = rzone.subnets.map(network);
      const own = rzone.subnets.find((s) => inside(at.destIp, s)) ?? rzone.subnets[0];
      const snatTo = r.reflectionSrc === 'internal' ? own?.address : external[0]?.split('/')[0];
      const why = !snatTo
        ? `${r.reflectionSrc} rewrite IP cannot be determined`
        : internal.length === 0
          ? 'internal address range cannot be determined'
          : external.length === 0
            ? 'external address range cannot be determined'
            : undefined;
      if (why || !snatTo) {
        warn(r, `${why}, disabling reflection`);
        continue;
      }
      const base = { proto: at.proto, counter: r.counter, name: `${r.name} (reflection)` };
      const ported = at.proto === 'all' ? {} : { sport: r.srcPort, dport: r.srcDport };
      rzone.dnat.push(
        rule({
          ...base,
          saddr: internal,
          daddr: external,
          ...ported,
          verdict: `dnat ip to ${to(at.destIp, at.rport)}`,
        }),
      );
      rzone.snat.push(
        rule({
          ...base,
          saddr: internal,
          daddr: [at.destIp],
          dport: at.rport,
          verdict: `snat ip to ${snatTo}`,
        }),
      );
    }
  }

  function snatRedirect(r: OpenWrtRedirect): void {
    const dest = r.dest && r.dest !== '*' ? zone(r.dest) : undefined;
    if (!dest) return void warn(r, 'an SNAT needs a declared destination zone, skipped');
    if (!r.srcDip) return void warn(r, "an SNAT needs option 'src_dip', skipped");
    for (const proto of r.protos) {
      const ports = proto === 'all' ? {} : { sport: r.srcPort, dport: r.destPort };
      const rport = proto === 'all' ? undefined : r.srcDport;
      dest.snat.push(
        rule({
          proto,
          ...between(r.srcIp, r.destIp),
          ...ports,
          counter: r.counter,
          verdict: `snat ip to ${to(r.srcDip.cidr, rport)}`,
          name: r.name,
        }),
      );
    }
  }

  function natRule(n: OpenWrtNat): void {
    if (n.family === 'ipv6') return void warn(n, 'IPv6 only; natlab translates IPv4, skipped');
    if (n.target === 'snat' && !n.snatIp)
      return void warn(n, "target SNAT needs 'snat_ip' here, skipped");
    if (n.target !== 'snat' && (n.snatIp || n.snatPort))
      return void warn(n, `'snat_ip' and 'snat_port' are for target SNAT only, skipped`);
    const src = n.src ? zone(n.src) : undefined;
    if (n.src && !src) return void warn(n, `zone "${n.src}" is not declared, skipped`);
    for (const proto of n.protos) {
      const verdict =
        n.target === 'snat'
          ? `snat ip to ${to(n.snatIp ?? '', proto === 'all' ? undefined : n.snatPort)}`
          : n.target;
      const text = rule({
        proto,
        oifname: n.device,
        ...between(n.srcIp, n.destIp),
        ...(proto === 'all' ? {} : { sport: n.srcPort, dport: n.destPort }),
        counter: n.counter,
        verdict,
        name: n.name,
      });
      if (src) src.snat.push(text);
      else srcnat.push(text);
    }
  }

  function masquerade(z: OpenWrtZone): void {
    const found = zone(z.name);
    if (!found) return;
    const pick = (list: AddressMatch[], not: boolean) =>
      list.filter((m) => m.not === not).map((m) => m.cidr);
    const parts = [
      ['saddr', pick(z.masqSrc, false), pick(z.masqSrc, true)],
      ['daddr', pick(z.masqDest, false), pick(z.masqDest, true)],
    ] as const;
    const matches = parts.flatMap(([field, yes, no]) => [
      ...(yes.length ? [`ip ${field} ${set(yes)}`] : []),
      ...(no.length ? [`ip ${field} != ${set(no)}`] : []),
    ]);
    found.snat.push(
      [
        'meta nfproto ipv4',
        ...matches,
        'counter masquerade',
        `comment "!fw4: Masquerade IPv4 ${z.name} traffic"`,
      ].join(' '),
    );
  }

  // The filter places every zone, not only those with NAT, after the port forwards are known.
  const placed = options.filter
    ? enabled.map((z) => zone(z.name)).filter((z) => z !== undefined)
    : [];
  const filter = options.filter ? forwardChains(model, placed) : [];
  return { nft: render([...resolved.values()], srcnat, warnings, filter), warnings };
}

/** An OpenWrt firewall config's NAT (and with `filter`, its forward filter) as nft, for one router. */
export function openWrtToNft(
  source: string,
  host: OpenWrtHost,
  options: OpenWrtOptions = {},
): OpenWrtTranslation {
  return translateOpenWrt(parseOpenWrtFirewall(source), host, options);
}

/** Why the config does not translate for this host, or undefined when it does. */
export function openWrtProblem(
  source: string,
  host: OpenWrtHost,
  options: OpenWrtOptions = {},
): string | undefined {
  try {
    openWrtToNft(source, host, options);
    return undefined;
  } catch (error) {
    if (error instanceof OpenWrtError) return error.message;
    throw error;
  }
}
