// `npm run decode FILE.pcap`: every frame on one line, as natlab decodes it (the decoder the runs
// use), then the flows: packets and bytes per address pair and protocol, busiest first.
// `--flows FILE`: the flows alone, without a Packet per frame.

import { resolve } from 'node:path';
import { describePacket } from '../analyse/describe-packet.ts';
import { FlowTable } from '../analyse/flow-table.ts';
import { decodeFrame } from '../decode/decode-frame.ts';
import { FrameFields } from '../decode/frame-fields.ts';
import { readPcapFile } from '../decode/read-captures.ts';
import { forEachFrame } from '../decode/read-pcap.ts';
import { NatlabError } from '../errors.ts';

export interface DecodeIo {
  stdout: { write(chunk: string): boolean };
}

/** Lines are written in blocks: one write per frame would cost more than decoding it. */
const BLOCK = 4096;

export async function decodeCommand(
  file: string,
  io: DecodeIo,
  { frames: printFrames = true } = {},
): Promise<void> {
  const flows = new FlowTable();
  const fields = new FrameFields();
  let block: string[] = [];
  const frames = forEachFrame(await readPcapFile(file), (bytes, start, end, meta) => {
    flows.add(fields.parse(bytes, start, end), meta.length);
    if (!printFrames) return;
    const packet = decodeFrame(bytes.subarray(start, end), {
      point: file,
      index: meta.index,
      timeUs: meta.timeUs,
      length: meta.length,
      direction: meta.direction,
    });
    // As tcpdump prints a pcapng's epb_flags: In or Out after the time, when the capture says.
    const way = packet.direction ? ` ${packet.direction === 'in' ? 'In ' : 'Out'}` : '';
    block.push(
      `${String(packet.index).padStart(7)} ${clock(packet.timeUs)}${way} ${describePacket(packet)}, length ${packet.length}`,
    );
    if (block.length === BLOCK) {
      io.stdout.write(`${block.join('\n')}\n`);
      block = [];
    }
  });
  if (block.length > 0) io.stdout.write(`${block.join('\n')}\n`);
  const table = flows.sorted();
  io.stdout.write(`${printFrames ? '\n' : ''}${frames} frames, ${table.length} flows\n`);
  for (const f of table.slice(0, 20))
    io.stdout.write(
      `${String(f.packets).padStart(9)} pkts ${String(f.bytes).padStart(11)} B  ${f.key}\n`,
    );
  if (table.length > 20) io.stdout.write(`   ... ${table.length - 20} more flows\n`);
}

/** "HH:MM:SS.uuuuuu" in UTC: the layout of tcpdump's timestamps. */
function clock(timeUs: number): string {
  const seconds = Math.floor(timeUs / 1_000_000) % 86_400;
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  const us = String(timeUs % 1_000_000).padStart(6, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.${us}`;
}

/** `natlab decode [--flows] FILE`: exit 0, or 2 with the reason on stderr. */
export async function decodeMain(
  args: string[],
  io: DecodeIo & { stderr: { write(chunk: string): boolean } },
): Promise<number> {
  const flowsOnly = args[0] === '--flows';
  const file = flowsOnly ? args[1] : args[0];
  if (!file || args.length !== (flowsOnly ? 2 : 1)) {
    io.stderr.write('usage: natlab decode [--flows] FILE.pcap\n');
    return 2;
  }
  try {
    await decodeCommand(resolve(process.env.INIT_CWD ?? '.', file), io, { frames: !flowsOnly });
    return 0;
  } catch (error) {
    const message = error instanceof NatlabError ? error.message : (error as Error).stack;
    io.stderr.write(`natlab: ${message}\n`);
    return 2;
  }
}

/** A reader such as `head` may close the pipe early: that ends the output, it is no failure. */
export function exitQuietlyOnEpipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

// Its own entry point too (`npm run decode [--flows] FILE`), so decoding a big pcap does not first
// load the lab machinery (execa and the pipeline) that `main.ts` needs.
if (import.meta.url === `file://${process.argv[1]}`) {
  exitQuietlyOnEpipe();
  process.exitCode = await decodeMain(process.argv.slice(2), process);
}
