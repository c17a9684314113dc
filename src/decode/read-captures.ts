// Stage 8: decodes each capture's pcap and holds it to tcpdump's own count: a pcap that ends short
// (a torn last record, packets never flushed) is an error naming its capture point, never fewer packets.

import type { CaptureFile } from '../capture/start-captures.ts';
import { NatlabError } from '../errors.ts';
import { settleAll } from '../system/settle-all.ts';
import type { Packet } from './packet.ts';
import { readPcap } from './read-pcap.ts';

export function readCaptures(files: readonly CaptureFile[]): Promise<Packet[][]> {
  return settleAll(files.map(readCapture));
}

async function readCapture({ point, file, captured }: CaptureFile): Promise<Packet[]> {
  const invalid = (reason: string, cause?: unknown) =>
    new NatlabError(`capture on ${point.id}: ${reason}`, {
      code: 'INVALID_PCAP',
      stage: 'decode',
      node: point.node,
      cause,
    });
  const packets = await readPcap(file, point.id).catch((error: unknown) => {
    throw invalid(error instanceof Error ? error.message : String(error), error);
  });
  if (packets.length < captured) {
    throw invalid(
      `pcap ends short: ${file} holds ${packets.length} packets, tcpdump wrote ${captured}`,
    );
  }
  if (packets.length > captured) {
    throw invalid(
      `${file} holds ${packets.length} packets, more than the ${captured} tcpdump wrote`,
    );
  }
  return packets;
}
