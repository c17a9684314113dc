// Reads a pcap file with pcap-parser and decodes every frame; a damaged file is an INVALID_PCAP error.

import { stat } from 'node:fs/promises';
import pcapParser from 'pcap-parser';
import { NatlabError } from '../errors.ts';
import { decodeFrame } from './decode-frame.ts';
import type { Packet } from './packet.ts';

const LINKTYPE_ETHERNET = 1;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

export async function readPcap(file: string, point: string): Promise<Packet[]> {
  const invalid = (reason: string) =>
    new NatlabError(`invalid pcap ${file}: ${reason}`, { code: 'INVALID_PCAP', stage: 'decode' });
  const size = await stat(file).then(
    (s) => s.size,
    (error: Error) => {
      throw invalid(`cannot read it: ${error.message}`);
    },
  );
  if (size === 0) throw invalid('the file is empty (zero length)');

  return new Promise<Packet[]>((resolve, reject) => {
    const packets: Packet[] = [];
    let consumed = 0;
    let snapLength = 0;
    let settled = false;
    const settle = (error?: NatlabError) => {
      if (settled) return;
      settled = true;
      // pcap-parser only pauses its stream on error; close the file.
      parser.stream.destroy();
      if (error) reject(error);
      else resolve(packets);
    };
    const parser = pcapParser.parse(file);
    parser.on('globalHeader', (header) => {
      consumed = GLOBAL_HEADER;
      snapLength = header.snapshotLength;
      if (header.linkLayerType !== LINKTYPE_ETHERNET) {
        settle(invalid(`link type ${header.linkLayerType} is not Ethernet (1)`));
      }
    });
    parser.on('packet', ({ header, data }) => {
      if (settled) return;
      consumed += RECORD_HEADER + header.capturedLength;
      if (header.capturedLength > snapLength || header.capturedLength > header.originalLength) {
        settle(
          invalid(
            `frame ${packets.length + 1} holds ${header.capturedLength} bytes, more than the snap length ${snapLength} or its wire length ${header.originalLength}`,
          ),
        );
        return;
      }
      packets.push(
        decodeFrame(data, {
          point,
          index: packets.length + 1,
          timeUs: header.timestampSeconds * 1_000_000 + header.timestampMicroseconds,
          length: header.originalLength,
        }),
      );
    });
    parser.on('error', (error) => settle(invalid(error.message)));
    parser.on('end', () => {
      if (consumed === 0) settle(invalid(`too short for a pcap header (${size} bytes)`));
      else if (consumed !== size) {
        settle(
          invalid(
            `truncated: ${size - consumed} bytes after frame ${packets.length} do not form a whole record`,
          ),
        );
      } else settle();
    });
  });
}
