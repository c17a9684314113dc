// One capture point recorded by two tcpdumps, -Q in and -Q out (a hairpin port, where the source MAC
// cannot tell the way a frame went): their frames merged by timestamp into one pcapng whose enhanced
// packet blocks carry epb_flags inbound or outbound, so the direction travels with the file and any
// reader (natlab's, tshark's) sees it. Pure: bytes in, bytes out.

import type { Direction } from '../scenario/flow-match.ts';
import { forEachFrame, type PcapBytes } from './read-pcap.ts';
import { PCAPNG_MAGIC } from './read-pcapng.ts';

const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const LINKTYPE_ETHERNET = 1;
/** tcpdump's default snap length: no frame it wrote is longer. */
const SNAP_LENGTH = 262_144;
const OPTION_EPB_FLAGS = 2;
/** epb_flags bits 0-1: 01 inbound, 10 outbound. */
export const EPB_DIRECTION: Record<Direction, number> = { in: 1, out: 2 };

interface Frame {
  data: Buffer;
  timeUs: number;
  length: number;
  direction: Direction;
}

export function mergeDirections(halves: Record<Direction, PcapBytes>): Buffer {
  const frames: Frame[] = [];
  for (const direction of ['in', 'out'] as const) {
    forEachFrame(halves[direction], (bytes, start, end, meta) => {
      frames.push({ data: bytes.subarray(start, end), ...meta, direction });
    });
  }
  // Stable: at one microsecond, a frame arriving comes before its reflection leaving.
  frames.sort((a, b) => a.timeUs - b.timeUs);
  return Buffer.concat([sectionHeader(), interfaceDescription(), ...frames.map(packetBlock)]);
}

function sectionHeader(): Buffer {
  const block = Buffer.alloc(28);
  block.writeUInt32LE(PCAPNG_MAGIC, 0);
  block.writeUInt32LE(28, 4);
  block.writeUInt32LE(BYTE_ORDER_MAGIC, 8);
  block.writeUInt16LE(1, 12);
  block.writeUInt16LE(0, 14);
  // Section length -1: not given.
  block.writeBigInt64LE(-1n, 16);
  block.writeUInt32LE(28, 24);
  return block;
}

/** Ethernet, microsecond timestamps (no if_tsresol: the default). */
function interfaceDescription(): Buffer {
  const block = Buffer.alloc(20);
  block.writeUInt32LE(1, 0);
  block.writeUInt32LE(20, 4);
  block.writeUInt16LE(LINKTYPE_ETHERNET, 8);
  block.writeUInt32LE(SNAP_LENGTH, 12);
  block.writeUInt32LE(20, 16);
  return block;
}

function packetBlock({ data, timeUs, length, direction }: Frame): Buffer {
  const padded = Math.ceil(data.length / 4) * 4;
  // Header 28, data, epb_flags (4 + 4), end of options (4), trailing length 4.
  const total = 28 + padded + 12 + 4;
  const block = Buffer.alloc(total);
  block.writeUInt32LE(6, 0);
  block.writeUInt32LE(total, 4);
  block.writeUInt32LE(0, 8);
  block.writeUInt32LE(Math.floor(timeUs / 2 ** 32), 12);
  block.writeUInt32LE(timeUs % 2 ** 32, 16);
  block.writeUInt32LE(data.length, 20);
  block.writeUInt32LE(length, 24);
  data.copy(block, 28);
  const options = 28 + padded;
  block.writeUInt16LE(OPTION_EPB_FLAGS, options);
  block.writeUInt16LE(4, options + 2);
  block.writeUInt32LE(EPB_DIRECTION[direction], options + 4);
  // End of options: code 0, length 0 (already zero).
  block.writeUInt32LE(total, total - 4);
  return block;
}
