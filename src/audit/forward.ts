// What the audit knows of a config: its port forwards, the ones it cannot test and why, and the
// interface roles the config itself shows. Shared by every format's finder.

import type { CandidateFormat } from '../candidates/load-candidate.ts';

export type ForwardProto = 'tcp' | 'udp';

export interface PortForward {
  /** Where the rule starts in the config (1-based). */
  line: number;
  proto: ForwardProto;
  /** The public address the rule matches; undefined when it matches an interface or any address. */
  publicIp?: string;
  /** The config's name of the interface the rule matches traffic arriving on. */
  inIface?: string;
  port: number;
  toAddr: string;
  toPort: number;
  /** OpenWrt: the redirect's name and whether reflection is on (the remedy edits it). */
  redirect?: { name: string; reflection: boolean };
}

export interface UntestableForward {
  line: number;
  /** The rule as the config wrote it. */
  rule: string;
  reason: string;
}

/** Interface roles by the config's own names; undefined where the config does not tell. */
export interface InterfaceRoles {
  wan?: string;
  lan?: string;
  /** Internal subnets the config names (source matches of its srcnat rules). */
  lanCidrs: string[];
}

export interface ForwardScan {
  format: CandidateFormat;
  forwards: PortForward[];
  untestable: UntestableForward[];
  roles: InterfaceRoles;
}

/** "80", "80,443" or a set's items; a range ("8000-8010", "8000:8010") is not one port. */
export function portList(text: string): number[] | string {
  const items = text.split(/[,\s]+/).filter(Boolean);
  const ports = items.map(Number);
  if (items.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    return `port "${text}" is a range or not a port number; natlab probes single ports`;
  }
  return ports;
}

/** "192.0.2.1", "192.0.2.1/32" → the address; a wider network is not one public address. */
export function singleAddress(text: string): string | undefined {
  const [address = '', bits = '32'] = text.split('/');
  return bits === '32' && /^\d{1,3}(\.\d{1,3}){3}$/.test(address) ? address : undefined;
}

/** "192.168.1.2:8080" or "192.168.1.2" (the public port kept). */
export function splitTarget(text: string): { toAddr: string; toPort?: number } | undefined {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d+))?$/.exec(text);
  if (!match) return undefined;
  return { toAddr: match[1] as string, toPort: match[2] ? Number(match[2]) : undefined };
}

export function forwardLabel(f: PortForward): string {
  const from = `${f.publicIp ?? (f.inIface ? `${f.inIface}` : '*')}:${f.port}`;
  return `${f.proto} ${from} → ${f.toAddr}:${f.toPort}`;
}
