// Stage 8's only I/O: each capture's pcap read whole, regular files only and within a size bound, so
// the decode after it (decode-captures.ts) works on bytes and reads nothing. A point recorded per
// direction is read as its two pcaps, merged into one pcapng (written where the run keeps captures,
// the two halves removed), so the run's files hold each packet's direction.

import { rm, writeFile } from 'node:fs/promises';
import type { CaptureFile } from '../capture/start-captures.ts';
import type { Direction } from '../scenario/flow-match.ts';
import { readInputFile } from '../system/read-input-file.ts';
import { settleAll } from '../system/settle-all.ts';
import { type CaptureBytes, captureError } from './decode-captures.ts';
import { mergeDirections } from './merge-directions.ts';
import type { PcapBytes } from './read-pcap.ts';

/** Read whole into memory: past this a capture is refused rather than exhausting it. */
const MAX_PCAP_BYTES = 2 * 1024 ** 3;

export async function readPcapFile(file: string): Promise<PcapBytes> {
  const bytes = await readInputFile(file, {
    what: 'pcap',
    maxBytes: MAX_PCAP_BYTES,
    stage: 'decode',
    code: 'INVALID_PCAP',
  });
  return { bytes, file };
}

export function readCaptureFiles(files: readonly CaptureFile[]): Promise<CaptureBytes[]> {
  return settleAll(
    files.map(async ({ point, file, captured, directions }) => {
      try {
        const bytes = directions
          ? await mergeFiles(file, directions)
          : (await readPcapFile(file)).bytes;
        return { point, file, captured, bytes };
      } catch (error) {
        throw captureError(point, error);
      }
    }),
  );
}

async function mergeFiles(file: string, directions: Record<Direction, string>): Promise<Buffer> {
  const bytes = mergeDirections({
    in: await readPcapFile(directions.in),
    out: await readPcapFile(directions.out),
  });
  await writeFile(file, bytes);
  await settleAll([directions.in, directions.out].map((half) => rm(half)));
  return bytes;
}
