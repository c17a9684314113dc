// Decodes a capture already read into memory, classic pcap (micro- or nanosecond timestamps, either
// byte order) or pcapng: pure, the file is read by read-captures.ts. The records are walked in one
// buffer: an event per frame (pcap-parser's stream) cost more than decoding the frame. A damaged
// capture is an INVALID_PCAP error, never a crash.

import { NatlabError } from '../errors.ts';
import { decodeFrame, type FrameMeta } from './decode-frame.ts';
import type { Packet } from './packet.ts';
import { forEachPcapngFrame, PCAPNG_MAGIC } from './read-pcapng.ts';

/** A capture's bytes, and the file they came from, for messages. */
export interface PcapBytes {
  bytes: Buffer;
  file: string;
}

const LINKTYPE_ETHERNET = 1;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
/** Magic numbers as read little-endian: [byte order, timestamp unit]. */
const MAGIC: Record<number, { littleEndian: boolean; nanoseconds: boolean }> = {
  2712847316: { littleEndian: true, nanoseconds: false },
  3569595041: { littleEndian: false, nanoseconds: false },
  2712812621: { littleEndian: true, nanoseconds: true },
  1295823521: { littleEndian: false, nanoseconds: true },
};

export function decodePcap(pcap: PcapBytes, point: string): Packet[] {
  const packets: Packet[] = [];
  forEachFrame(pcap, (bytes, start, end, meta) => {
    packets.push(
      decodeFrame(bytes.subarray(start, end), {
        point,
        index: meta.index,
        timeUs: meta.timeUs,
        length: meta.length,
        direction: meta.direction,
      }),
    );
  });
  return packets;
}

/**
 * Each frame as bytes[start, end) of the whole capture, with its record metadata: for work that
 * needs no Packet (FrameFields), and no object per frame. Returns the number of frames.
 */
export function forEachFrame(
  { bytes, file }: PcapBytes,
  onFrame: (bytes: Buffer, start: number, end: number, meta: Omit<FrameMeta, 'point'>) => void,
): number {
  const invalid = (reason: string) =>
    new NatlabError(`invalid pcap ${file}: ${reason}`, { code: 'INVALID_PCAP', stage: 'decode' });
  if (bytes.length === 0) throw invalid('the file is empty (zero length)');
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === PCAPNG_MAGIC) {
    return forEachPcapngFrame(bytes, onFrame, invalid);
  }
  if (bytes.length < GLOBAL_HEADER)
    throw invalid(`too short for a pcap header (${bytes.length} bytes)`);
  const magic = bytes.readUInt32LE(0);
  const format = MAGIC[magic];
  if (!format) {
    throw invalid(
      `unknown magic number ${magic.toString(16).padStart(8, '0')}: neither pcap nor pcapng`,
    );
  }
  const u32 = (o: number) => (format.littleEndian ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const snapLength = u32(16);
  const linkType = u32(20) & 0xffff;
  if (linkType !== LINKTYPE_ETHERNET) throw invalid(`link type ${linkType} is not Ethernet (1)`);

  let frame = 0;
  let offset = GLOBAL_HEADER;
  while (offset < bytes.length) {
    frame++;
    if (offset + RECORD_HEADER > bytes.length) {
      throw invalid(
        `truncated: ${bytes.length - offset} bytes after frame ${frame - 1} do not form a whole record`,
      );
    }
    const seconds = u32(offset);
    const fraction = u32(offset + 4);
    const captured = u32(offset + 8);
    const original = u32(offset + 12);
    if (captured > snapLength || captured > original) {
      throw invalid(
        `frame ${frame} holds ${captured} bytes, more than the snap length ${snapLength} or its wire length ${original}`,
      );
    }
    const start = offset + RECORD_HEADER;
    if (start + captured > bytes.length) {
      throw invalid(
        `truncated: ${bytes.length - offset} bytes after frame ${frame - 1} do not form a whole record`,
      );
    }
    onFrame(bytes, start, start + captured, {
      index: frame,
      timeUs: seconds * 1_000_000 + (format.nanoseconds ? Math.floor(fraction / 1000) : fraction),
      length: original,
    });
    offset = start + captured;
  }
  return frame;
}
