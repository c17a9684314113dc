// A candidate ruleset file: read, its format found from the content (the extension only breaks
// ties), RouterOS and OpenWrt translated to nft. Everything here fails before any namespace exists.

import { basename, extname } from 'node:path';
import { NatlabError } from '../errors.ts';
import { commandListTool, parseCommandList } from '../scenario/command-lists.ts';
import type { RulesetDef } from '../scenario/define-scenario.ts';
import { readInputFile } from '../system/read-input-file.ts';
import { OpenWrtError } from './openwrt-firewall.ts';
import { openWrtToNft } from './openwrt-nft.ts';
import { RouterOsError } from './routeros/lex-routeros.ts';
import { type RouterOsMaps, routerOsToNft } from './routeros/translate-routeros.ts';

export type CandidateFormat = Exclude<RulesetDef['format'], 'openwrt'> | 'routeros' | 'openwrt';

/** How a translated candidate's names meet the NAT node: RouterOS interfaces, OpenWrt networks. */
export interface CandidateMaps extends RouterOsMaps {
  /** The NAT node's interfaces → their addresses (OpenWrt reflection needs the router's own). */
  addresses?: Record<string, string[]>;
}

export interface Candidate {
  /** The file as given. */
  file: string;
  /** Its base name, the column title. */
  name: string;
  format: CandidateFormat;
  original: string;
  /** What is applied: the file itself, or its translation. */
  ruleset: RulesetDef;
}

/** A full router's iptables-save is a few hundred kilobytes; this leaves room and bounds memory. */
const MAX_RULESET_BYTES = 16 * 1024 * 1024;

const HINTS: Record<string, CandidateFormat> = {
  '.rsc': 'routeros',
  '.nft': 'nft',
  '.rules': 'iptables',
  '.v4': 'iptables',
  '.sh': 'iptables-commands',
};

/** The format the content shows; undefined when it shows none (the caller may use the extension). */
export function detectFormat(text: string): CandidateFormat | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.some((l) => l.startsWith('/ip firewall'))) return 'routeros';
  if (
    lines.some((l) => /^config\s+\S/.test(l)) &&
    lines.every((l) => /^(config|option|list|package)\s/.test(l))
  )
    return 'openwrt';
  if (lines.some((l) => /^\*(nat|filter|mangle|raw)\b/.test(l)) && lines.includes('COMMIT'))
    return 'iptables';
  if (lines.some((l) => /^(table|flush ruleset)\b/.test(l))) return 'nft';
  if (lines.length > 0 && lines.every((l) => l.startsWith('iptables '))) return 'iptables-commands';
  if (lines.length > 0 && lines.every((l) => l.startsWith('ebtables '))) return 'ebtables';
  return undefined;
}

export async function loadCandidate(file: string, maps: CandidateMaps): Promise<Candidate> {
  const bad = (reason: string) =>
    new NatlabError(`candidate ruleset ${file}: ${reason}`, {
      code: 'BAD_INPUT',
      stage: 'candidates',
    });
  // Regular files only, bounded: a FIFO or /dev/zero is refused at once, not waited on.
  const bytes = await readInputFile(file, {
    what: 'candidate ruleset',
    maxBytes: MAX_RULESET_BYTES,
    stage: 'candidates',
  });
  if (bytes.length === 0) throw bad('is empty');
  if (bytes.includes(0)) throw bad('is not text (it holds NUL bytes)');
  const original = bytes.toString('utf8');
  const format = detectFormat(original) ?? HINTS[extname(file).toLowerCase()];
  if (!format) {
    throw bad(
      'is in no format natlab knows: expected iptables-restore (*nat ... COMMIT), nft (table ...), a RouterOS export (/ip firewall nat), an OpenWrt firewall config (config zone ...), or iptables/ebtables command lines',
    );
  }
  const name = basename(file);
  if (format === 'routeros') {
    try {
      return {
        file,
        name,
        format,
        original,
        ruleset: { format: 'nft', text: routerOsToNft(original, maps) },
      };
    } catch (error) {
      if (error instanceof RouterOsError) throw bad(`RouterOS ${error.message}`);
      throw error;
    }
  }
  if (format === 'openwrt') {
    try {
      const host = { networks: maps.interfaces, addresses: maps.addresses ?? {} };
      const { nft } = openWrtToNft(original, host);
      return { file, name, format, original, ruleset: { format: 'nft', text: nft } };
    } catch (error) {
      if (error instanceof OpenWrtError) throw bad(`OpenWrt firewall config ${error.message}`);
      throw error;
    }
  }
  const tool = commandListTool(format);
  if (tool) {
    const problems = parseCommandList(original, tool).problems;
    if (problems.length > 0) throw bad(problems.join('; '));
  }
  return { file, name, format, original, ruleset: { format, text: original } };
}

/** `--iface-map WAN=wan0,lan=lan0` on top of what the scenario declares. */
export function parseIfaceMap(text: string | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of (text ?? '').split(',').filter(Boolean)) {
    const [from, to, ...rest] = pair.split('=');
    if (!from || !to || rest.length > 0) {
      throw new NatlabError(`--iface-map: "${pair}" is not NAME=iface`, {
        code: 'BAD_INPUT',
        stage: 'cli',
      });
    }
    map[from] = to;
  }
  return map;
}
