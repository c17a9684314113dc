// TCP findings from a probe's packets, seen from the probing client. asymmetric-reply: the client's
// SYN went to one address, the SYN-ACK answering it came from another, and the client reset it:
// the reply bypassed the NAT that rewrote the request (hairpin NAT without SNAT).

import type { Packet } from '../decode/packet.ts';
import { describePacket, endpoint } from './describe-packet.ts';
import type { Finding } from './finding.ts';
import type { DirectionOf } from './packet-direction.ts';

export function diagnoseTcp(
  probes: readonly { name: string; from: string }[],
  byProbe: ReadonlyMap<string, readonly Packet[]>,
  directionOf: DirectionOf,
): Finding[] {
  const findings: Finding[] = [];
  for (const probe of probes) {
    const atClient = (byProbe.get(probe.name) ?? []).filter(
      (p) => p.tcp && p.ip && p.point.startsWith(`${probe.from}:`),
    );
    const sent = atClient.filter((p) => directionOf(p) === 'out');
    const received = atClient.filter((p) => directionOf(p) === 'in');
    for (const syn of sent.filter((p) => p.tcp?.flags.syn && !p.tcp.flags.ack)) {
      const asked = endpoint(syn.ip?.dst ?? '', syn.tcp?.dport);
      const answer = received.find(
        (p) =>
          p.tcp?.flags.syn &&
          p.tcp.flags.ack &&
          p.tcp.ack === ((syn.tcp?.seq ?? 0) + 1) % 2 ** 32 &&
          p.tcp.dport === syn.tcp?.sport &&
          endpoint(p.ip?.src ?? '', p.tcp.sport) !== asked,
      );
      if (!answer) continue;
      const stranger = endpoint(answer.ip?.src ?? '', answer.tcp?.sport);
      const reset = sent.find(
        (p) =>
          p.tcp?.flags.rst &&
          endpoint(p.ip?.dst ?? '', p.tcp.dport) === stranger &&
          p.timeUs >= answer.timeUs,
      );
      if (!reset) continue;
      findings.push({
        rule: 'asymmetric-reply',
        probe: probe.name,
        summary: `${probe.name}: ${probe.from} sent its SYN to ${asked}, but the SYN-ACK came from ${stranger}, so it reset the connection. The reply went straight to the client instead of back through the NAT that rewrote the request: hairpin NAT without SNAT. Masquerade (or SNAT) LAN traffic to the server, so its replies return through the router`,
        evidence: [syn, answer, reset].map(
          (p) => `${p.point} frame ${p.index}: ${describePacket(p)}`,
        ),
        // The SYN and the client's RST only frame it: the stray SYN-ACK is the fault.
        culprits: [1],
      });
      break;
    }
  }
  return findings;
}
