// The scan of one config as its finder walks the rules: forwards one per port, what cannot be
// tested and why, and the interface roles the rules show.

import {
  type ForwardProto,
  type ForwardScan,
  type InterfaceRoles,
  type PortForward,
  portList,
  splitTarget,
  type UntestableForward,
} from './forward.ts';

export const REDIRECT_REASON =
  'redirects to the router itself: there is no server behind the router to probe';

/** Collects forwards, untestable ones and roles as a finder walks its rules. */
export class ScanBuilder {
  readonly forwards: PortForward[] = [];
  readonly untestable: UntestableForward[] = [];
  readonly roles: InterfaceRoles = { lanCidrs: [] };
  /** Interfaces jumped from (firewalld: iifname "eth0" goto nat_PRE_public): WAN if nothing says. */
  readonly jumpIfaces: string[] = [];

  /** Always false: what `add` answers for a forward it did not take. */
  skip(line: number, rule: string, reason: string): false {
    this.untestable.push({ line, rule: rule.trim(), reason });
    return false;
  }

  /** One rule's forward, one per port it lists; anything unprobeable is listed with why. */
  add(
    rule: { line: number; text: string },
    f: {
      proto?: string;
      ports?: string;
      publicIp?: string;
      inIface?: string;
      target?: string;
      toPort?: string;
    },
    extra: Pick<PortForward, 'redirect'> = {},
  ): boolean {
    const skip = (reason: string) => this.skip(rule.line, rule.text, reason);
    if (f.proto !== 'tcp' && f.proto !== 'udp') {
      return skip(
        f.proto
          ? `protocol ${f.proto}: natlab probes TCP and UDP`
          : 'no protocol and port: natlab probes one port of TCP or UDP',
      );
    }
    if (!f.ports) return skip('no destination port: natlab probes one port at a time');
    const ports = portList(f.ports);
    if (typeof ports === 'string') return skip(ports);
    const target = f.target ? splitTarget(f.target) : undefined;
    if (!target) {
      return skip(
        f.target
          ? `target "${f.target}" is not one IPv4 address with at most one port`
          : 'no target address',
      );
    }
    const toPorts = f.toPort === undefined ? undefined : portList(f.toPort);
    if (typeof toPorts === 'string') return skip(`target ${toPorts}`);
    for (const port of ports) {
      this.forwards.push({
        line: rule.line,
        proto: f.proto as ForwardProto,
        ...(f.publicIp ? { publicIp: f.publicIp } : {}),
        ...(f.inIface ? { inIface: f.inIface } : {}),
        port,
        toAddr: target.toAddr,
        toPort: toPorts?.[0] ?? target.toPort ?? port,
        ...extra,
      });
    }
    return true;
  }

  /** An srcnat rule: its out-interface is the WAN, its source network internal. */
  srcnat({ oif, saddr, daddr }: { oif?: string; saddr?: string; daddr?: string }): void {
    if (oif && !oif.startsWith('!')) {
      // Masquerade toward a destination is the hairpin's, out the LAN; toward anywhere, the WAN's.
      if (daddr) this.roles.lan ??= oif;
      else this.roles.wan ??= oif;
    }
    // A /32 source is one host (Docker's own hairpin rule), not an internal subnet.
    if (saddr && !/^!|\/32$/.test(saddr) && !this.roles.lanCidrs.includes(saddr)) {
      this.roles.lanCidrs.push(saddr);
    }
  }

  done(format: ForwardScan['format']): ForwardScan {
    const roles = { ...this.roles };
    roles.wan ??= this.forwards.find((f) => f.inIface)?.inIface ?? this.jumpIfaces[0];
    return { format, forwards: this.forwards, untestable: this.untestable, roles };
  }
}
