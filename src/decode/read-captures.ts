// Stage 8's only I/O: each capture's pcap read whole, regular files only and within a size bound, so
// the decode after it (decode-captures.ts) works on bytes and reads nothing.

import type { CaptureFile } from '../capture/start-captures.ts';
import { readInputFile } from '../system/read-input-file.ts';
import { settleAll } from '../system/settle-all.ts';
import { type CaptureBytes, captureError } from './decode-captures.ts';
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
    files.map(async ({ point, file, captured }) => {
      const { bytes } = await readPcapFile(file).catch((error: unknown) => {
        throw captureError(point, error);
      });
      return { point, file, captured, bytes };
    }),
  );
}
