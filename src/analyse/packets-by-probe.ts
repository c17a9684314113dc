// Which probe each captured packet belongs to.

import type { Packet } from '../decode/packet.ts';
import type { ProbeResult } from '../traffic/run-probes.ts';

/**
 * Probes run one after another, so each owns the time from its start to the next one's start. A TCP
 * packet counts at the time its connection began at that capture point, so the closing FIN exchange of
 * one probe, which may trail into the next probe's time, stays with its own probe. A UDP packet counts
 * at the time its flow (addresses and ports) was first seen there: a late reply stays with its probe,
 * whose client port is its own, unless a later probe sends from that same port (a fixed
 * sourcePort): a packet from the flow's first sender in a later probe's time starts the flow anew.
 */
export function packetsByProbe(
  packets: readonly Packet[],
  probes: readonly Pick<ProbeResult, 'name' | 'startedAt'>[],
): Map<string, Packet[]> {
  const byProbe = new Map<string, Packet[]>(probes.map((p) => [p.name, []]));
  const starts = probes.map((p) => p.startedAt * 1000);
  const probeAt = (timeUs: number) => starts.findLastIndex((start) => start <= timeUs);
  const flowStart = new Map<string, { timeUs: number; sender: string }>();
  for (const packet of [...packets].sort((a, b) => a.timeUs - b.timeUs)) {
    let anchor = packet.timeUs;
    const ports = packet.tcp ?? packet.udp;
    if (ports && packet.ip) {
      const sender = `${packet.ip.src}:${ports.sport}`;
      const ends = [sender, `${packet.ip.dst}:${ports.dport}`].sort();
      const key = `${packet.point}|${packet.tcp ? 'tcp' : 'udp'}|${ends.join('|')}`;
      const flow = flowStart.get(key);
      const opening = packet.tcp
        ? packet.tcp.flags.syn && !packet.tcp.flags.ack
        : flow?.sender === sender && probeAt(packet.timeUs) > probeAt(flow.timeUs);
      if (opening || !flow) flowStart.set(key, { timeUs: packet.timeUs, sender });
      anchor = flowStart.get(key)?.timeUs ?? packet.timeUs;
    }
    const index = probeAt(anchor);
    const probe = probes[index];
    if (probe) byProbe.get(probe.name)?.push(packet);
  }
  return byProbe;
}
