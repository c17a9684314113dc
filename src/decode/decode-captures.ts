// Decodes every capture's bytes and holds each to tcpdump's own count: a pcap that ends short (a torn
// last record, packets never flushed) is an error naming its capture point, never fewer packets.

import type { CaptureFile } from '../capture/start-captures.ts';
import { NatlabError } from '../errors.ts';
import type { Packet } from './packet.ts';
import { decodePcap, type PcapBytes } from './read-pcap.ts';

/** A capture point's pcap, read; `captured` is tcpdump's own count, unknown for a recording. */
export interface CaptureBytes extends PcapBytes {
  point: CaptureFile['point'];
  captured?: number;
}

export function decodeCaptures(captures: readonly CaptureBytes[]): Packet[][] {
  return captures.map(decodeCapture);
}

function decodeCapture(capture: CaptureBytes): Packet[] {
  const { point, file, captured } = capture;
  let packets: Packet[];
  try {
    packets = decodePcap(capture, point.id);
  } catch (error) {
    throw captureError(point, error);
  }
  if (captured === undefined) return packets;
  if (packets.length < captured) {
    throw captureError(
      point,
      `pcap ends short: ${file} holds ${packets.length} packets, tcpdump wrote ${captured}`,
    );
  }
  if (packets.length > captured) {
    throw captureError(
      point,
      `${file} holds ${packets.length} packets, more than the ${captured} tcpdump wrote`,
    );
  }
  return packets;
}

/** An INVALID_PCAP error that names the capture point; `why` is a reason or the error behind it. */
export function captureError(point: CaptureFile['point'], why: unknown): NatlabError {
  const reason = why instanceof Error ? why.message : String(why);
  return new NatlabError(`capture on ${point.id}: ${reason}`, {
    code: 'INVALID_PCAP',
    stage: 'decode',
    node: point.node,
    cause: why instanceof Error ? why : undefined,
  });
}
