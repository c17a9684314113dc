// Which probe each captured packet belongs to.

import type { Packet } from '../decode/packet.ts';
import type { ProbeResult } from '../traffic/run-probes.ts';

/**
 * Probes run one after another, so each owns the time from its start to the next one's start. A TCP
 * packet counts at the time its connection began at that capture point, so the closing FIN exchange of
 * one probe, which may trail into the next probe's time, stays with its own probe. A UDP packet counts
 * at the time its flow (addresses and ports) was first seen there: a late reply stays with its probe,
 * whose client port is its own.
 */
export function packetsByProbe(
  packets: readonly Packet[],
  probes: readonly Pick<ProbeResult, 'name' | 'startedAt'>[],
): Map<string, Packet[]> {
  const byProbe = new Map<string, Packet[]>(probes.map((p) => [p.name, []]));
  const starts = probes.map((p) => p.startedAt * 1000);
  const flowStart = new Map<string, number>();
  for (const packet of [...packets].sort((a, b) => a.timeUs - b.timeUs)) {
    let anchor = packet.timeUs;
    const ports = packet.tcp ?? packet.udp;
    if (ports && packet.ip) {
      const ends = [`${packet.ip.src}:${ports.sport}`, `${packet.ip.dst}:${ports.dport}`].sort();
      const key = `${packet.point}|${packet.tcp ? 'tcp' : 'udp'}|${ends.join('|')}`;
      const opening = packet.tcp?.flags.syn === true && !packet.tcp.flags.ack;
      if (opening || !flowStart.has(key)) flowStart.set(key, packet.timeUs);
      anchor = flowStart.get(key) ?? packet.timeUs;
    }
    const index = starts.findLastIndex((start) => start <= anchor);
    const probe = probes[index];
    if (probe) byProbe.get(probe.name)?.push(packet);
  }
  return byProbe;
}
