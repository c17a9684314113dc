// A pcap file read and decoded, as the run does it in two steps (read-captures.ts, then the pure decode).

import type { Packet } from '../../src/decode/packet.ts';
import { readPcapFile } from '../../src/decode/read-captures.ts';
import { decodePcap } from '../../src/decode/read-pcap.ts';

export async function readPcap(file: string, point: string): Promise<Packet[]> {
  return decodePcap(await readPcapFile(file), point);
}
