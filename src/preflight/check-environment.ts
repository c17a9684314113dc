// Before anything is built: root capabilities and the tools this scenario needs.

import { access, constants, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { type ProbePlan, rulesetFormats, type TopologyPlan } from '../plan/topology-plan.ts';
import { iptablesTools } from '../scenario/command-lists.ts';
import type { RulesetFormat } from '../scenario/define-scenario.ts';

const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;

/** Reads CapEff from /proc/self/status: root in a container may still lack these. */
export async function hasLabCapabilities(): Promise<boolean> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const hex = /^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1];
  if (!hex) return false;
  const caps = BigInt(`0x${hex}`);
  return ((caps >> CAP_NET_ADMIN) & 1n) === 1n && ((caps >> CAP_SYS_ADMIN) & 1n) === 1n;
}

export const NEEDS_ROOT_MESSAGE =
  'needs root: CAP_NET_ADMIN and CAP_SYS_ADMIN (run as root, e.g. sudo npm run scenario ...)';

const RULESET_TOOLS: Record<RulesetFormat, string[]> = {
  iptables: ['iptables-restore', 'iptables-save'],
  'iptables-commands': ['iptables', 'iptables-save'],
  ip6tables: ['ip6tables-restore', 'ip6tables-save'],
  'ip6tables-commands': ['ip6tables', 'ip6tables-save'],
  nft: ['nft'],
  ebtables: ['ebtables'],
  openwrt: ['nft'],
};

const FLUSH_TOOLS = ['iptables-restore', 'ip6tables-restore', 'ebtables', 'nft'];

const PROBE_TOOLS: Record<ProbePlan['kind'], string> = {
  http: 'curl',
  ping: 'ping',
  udp: 'python3',
  tcp: 'python3',
};

export function toolsFor(plan: TopologyPlan): string[] {
  // python3: the run's spawner (system/spawner.py) and sysctl setter (set-sysctls.py).
  const tools = new Set(['ip', 'sysctl', 'tcpdump', 'python3']);
  // UDP and TCP probes are a Python script (src/traffic/port-probe.py).
  for (const probe of plan.probes) tools.add(PROBE_TOOLS[probe.kind]);
  const services = plan.nodes.flatMap((n) => n.services);
  if (services.some((s) => s.kind === 'dns')) tools.add('dnsmasq');
  // The HTTP, UDP and TCP echo services are Python scripts (src/services/*-echo-server.py).
  if (services.some((s) => s.kind !== 'dns')) tools.add('python3');
  // Rulesets a step loads too; a flush empties every format natlab loads.
  for (const node of plan.nodes)
    for (const format of rulesetFormats(plan, node.name))
      for (const tool of RULESET_TOOLS[format]) tools.add(tool);
  // conntrack -E records the run for expectations over all of it.
  if (plan.kernelChecks.conntrack.some((c) => c.during === 'run')) tools.add('conntrack');
  for (const step of plan.steps) {
    if (step.rulesets.some((r) => r.change !== 'add'))
      for (const tool of FLUSH_TOOLS) tools.add(tool);
    if (step.reset.conntrack.length > 0) tools.add('conntrack');
    // iptables -Z (ip6tables -Z) zeroes each table's counters.
    for (const node of step.reset.counters)
      for (const tool of iptablesTools(rulesetFormats(plan, node))) tools.add(tool);
  }
  return [...tools];
}

/** Root's tools live in sbin, which a non-login shell may leave off PATH. */
export function ensureSbinOnPath(): void {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of ['/usr/sbin', '/sbin']) if (!dirs.includes(dir)) dirs.push(dir);
  process.env.PATH = dirs.join(delimiter);
}

export async function findMissingTools(tools: readonly string[]): Promise<string[]> {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const missing: string[] = [];
  for (const tool of tools) {
    const found = await Promise.any(dirs.map((d) => access(join(d, tool), constants.X_OK))).then(
      () => true,
      () => false,
    );
    if (!found) missing.push(tool);
  }
  return missing;
}
