// Walks a pcapng file (what current tcpdump -w and Wireshark write by default) in one buffer: section
// headers (either byte order), interface descriptions (link type, timestamp resolution) and enhanced,
// simple and obsolete packet blocks, with an enhanced packet's direction when its epb_flags give one.
// Other blocks (name resolution, statistics, ...) are skipped.

import type { Direction } from '../scenario/flow-match.ts';
import type { FrameMeta } from './decode-frame.ts';

export const PCAPNG_MAGIC = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const LINKTYPE_ETHERNET = 1;
const OPTION_TSRESOL = 9;
const OPTION_EPB_FLAGS = 2;

type OnFrame = (bytes: Buffer, start: number, end: number, meta: Omit<FrameMeta, 'point'>) => void;

interface Interface {
  linkType: number;
  /** Timestamp units per second. */
  unitsPerSecond: bigint;
}

/** Calls onFrame for every packet; `invalid` builds the error for a damaged file. */
export function forEachPcapngFrame(
  bytes: Buffer,
  onFrame: OnFrame,
  invalid: (reason: string) => Error,
): number {
  let littleEndian = true;
  let interfaces: Interface[] = [];
  let frame = 0;
  let offset = 0;
  const u32 = (o: number) => (littleEndian ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const u16 = (o: number) => (littleEndian ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) {
      throw invalid(
        `truncated: ${bytes.length - offset} bytes at offset ${offset} are no whole block`,
      );
    }
    const type = bytes.readUInt32LE(offset);
    if (type === PCAPNG_MAGIC) {
      const order = bytes.readUInt32LE(offset + 8);
      if (order !== BYTE_ORDER_MAGIC && order !== 0x4d3c2b1a) {
        throw invalid(`section header at offset ${offset} has no byte-order magic`);
      }
      littleEndian = order === BYTE_ORDER_MAGIC;
      // Interface ids count from zero again in every section.
      interfaces = [];
    }
    const blockType = u32(offset);
    const length = u32(offset + 4);
    if (length < 12 || length % 4 !== 0 || offset + length > bytes.length) {
      throw invalid(
        `block at offset ${offset} claims ${length} bytes, beyond the file or malformed`,
      );
    }
    if (u32(offset + length - 4) !== length) {
      throw invalid(`block at offset ${offset}: its trailing length does not match ${length}`);
    }
    const body = offset + 8;
    const bodyEnd = offset + length - 4;
    if (blockType === 1) {
      if (bodyEnd - body < 8) throw invalid(`interface block at offset ${offset} is too short`);
      interfaces.push({
        linkType: u16(body),
        unitsPerSecond: tsResolution(bytes, body + 8, bodyEnd, u16),
      });
    } else if (blockType === 6 || blockType === 2) {
      // Enhanced packet block; the obsolete packet block has a 16-bit interface id and drop count.
      if (bodyEnd - body < 20) throw invalid(`packet block at offset ${offset} is too short`);
      const id = blockType === 6 ? u32(body) : u16(body);
      const iface = interfaces[id];
      if (!iface)
        throw invalid(`packet block at offset ${offset} names interface ${id}, never described`);
      const captured = u32(body + 12);
      const original = u32(body + 16);
      const start = body + 20;
      if (start + captured > bodyEnd) {
        throw invalid(
          `packet block at offset ${offset} holds ${captured} bytes, more than the block`,
        );
      }
      frame++;
      checkEthernet(iface, frame, invalid);
      const units = (BigInt(u32(body + 4)) << 32n) | BigInt(u32(body + 8));
      const timeUs = Number((units * 1_000_000n) / iface.unitsPerSecond);
      const direction =
        blockType === 6
          ? epbDirection(start + Math.ceil(captured / 4) * 4, bodyEnd, u16, u32)
          : undefined;
      onFrame(bytes, start, start + captured, {
        index: frame,
        timeUs,
        length: original,
        direction,
      });
    } else if (blockType === 3) {
      // Simple packet block: interface 0, no timestamp, as much data as the block holds.
      const iface = interfaces[0];
      if (!iface) throw invalid(`simple packet block at offset ${offset} before any interface`);
      frame++;
      checkEthernet(iface, frame, invalid);
      const original = u32(body);
      const end = Math.min(body + 4 + original, bodyEnd);
      onFrame(bytes, body + 4, end, { index: frame, timeUs: 0, length: original });
    }
    offset += length;
  }
  return frame;
}

function checkEthernet(iface: Interface, frame: number, invalid: (reason: string) => Error): void {
  if (iface.linkType !== LINKTYPE_ETHERNET) {
    throw invalid(`frame ${frame}: link type ${iface.linkType} is not Ethernet (1)`);
  }
}

/** epb_flags bits 0-1: 01 inbound, 10 outbound; 00 (or no flags) says nothing. */
function epbDirection(
  from: number,
  to: number,
  u16: (o: number) => number,
  u32: (o: number) => number,
): Direction | undefined {
  const option = findOption(from, to, OPTION_EPB_FLAGS, u16);
  if (option === undefined || option.length < 4) return undefined;
  const bits = u32(option.at) & 3;
  return bits === 1 ? 'in' : bits === 2 ? 'out' : undefined;
}

/** An option's value offset and length, among the options in [from, to) of the block. */
function findOption(
  from: number,
  to: number,
  code: number,
  u16: (o: number) => number,
): { at: number; length: number } | undefined {
  let o = from;
  while (o + 4 <= to) {
    const here = u16(o);
    const length = u16(o + 2);
    if (here === 0) return undefined;
    if (here === code && o + 4 + length <= to) return { at: o + 4, length };
    o += 4 + Math.ceil(length / 4) * 4;
  }
  return undefined;
}

/** if_tsresol: 10^-n seconds, or 2^-n when the top bit is set; microseconds when absent. */
function tsResolution(bytes: Buffer, from: number, to: number, u16: (o: number) => number): bigint {
  const option = findOption(from, to, OPTION_TSRESOL, u16);
  if (option === undefined || option.length < 1) return 1_000_000n;
  const value = bytes[option.at] ?? 6;
  const exponent = BigInt(value & 0x7f);
  return value & 0x80 ? 2n ** exponent : 10n ** exponent;
}
