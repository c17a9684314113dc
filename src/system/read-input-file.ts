// Reads a file the user named (ruleset, pcap, scenario) with a size limit, regular files only: a FIFO,
// a device or /dev/zero is refused at once instead of blocking or growing memory without bound.

import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { type ErrorCode, NatlabError, type Stage } from '../errors.ts';

export interface ReadInputFileOptions {
  /** What the file is, for messages: "ruleset", "pcap", ... */
  what: string;
  maxBytes: number;
  stage: Stage;
  code?: ErrorCode;
}

export async function readInputFile(
  file: string,
  { what, maxBytes, stage, code = 'BAD_INPUT' }: ReadInputFileOptions,
): Promise<Buffer> {
  const fail = (why: string) =>
    new NatlabError(`cannot read ${what} ${file}: ${why}`, { code, stage });
  // O_NONBLOCK: opening a FIFO with no writer must not wait for one.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch(
    (error: NodeJS.ErrnoException) => {
      throw fail(error.code === 'ENOENT' ? 'no such file' : error.message);
    },
  );
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw fail('it is a directory');
    if (!stat.isFile()) throw fail('not a regular file (a FIFO, socket or device)');
    if (stat.size > maxBytes) {
      throw fail(`${stat.size} bytes, over the limit of ${maxBytes} for a ${what}`);
    }
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    // A file that grows while read is cut at the size seen; one that shrinks ends early.
    while (read < stat.size) {
      const { bytesRead } = await handle.read(bytes, read, stat.size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return bytes.subarray(0, read);
  } finally {
    await handle.close();
  }
}
