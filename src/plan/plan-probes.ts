// Probes: each scenario probe checked (unique name, a host or router to run on, a pingable address,
// an http:// URL or a UDP/TCP host) and given its connect timeout and the target its results name.

import { parseAddress } from '../net/addresses.ts';
import { isHostName } from './plan-nodes.ts';
import type { PlanState } from './plan-state.ts';
import type { PingProbePlan, ProbePlan } from './topology-plan.ts';

/** A refusal or a drop needs no long wait. */
const FAIL_TIMEOUT_MS = 500;
const CONNECT_TIMEOUT_MS = 5000;
const PING_INTERVAL_MS = 1000;
/** A ping's whole run (count × interval plus the last reply's wait), as long as any one probe's wait. */
const MAX_PING_RUN_MS = 120_000;

/** Top-level probes, then each step's, tagged with their step. */
export function planProbes({ def, nodes, problems }: PlanState): ProbePlan[] {
  const probes: ProbePlan[] = [];
  const names = new Set<string>();
  const all = [
    ...(def.probes ?? []).map((probe) => ({ probe, step: undefined })),
    ...(def.steps ?? []).flatMap((s) => (s.probes ?? []).map((probe) => ({ probe, step: s.name }))),
  ];
  for (const { probe, step } of all) {
    if (names.has(probe.name)) problems.push(`probe name "${probe.name}" is used twice`);
    names.add(probe.name);
    const from = nodes.get(probe.from);
    if (!from || from.kind === 'switch') {
      problems.push(
        `probe ${probe.name}: "${probe.from}" is not a host or router of this scenario`,
      );
    }
    const connectTimeoutMs =
      probe.connectTimeoutMs ?? (probe.expect === 'fails' ? FAIL_TIMEOUT_MS : CONNECT_TIMEOUT_MS);
    const common = {
      name: probe.name,
      ...(step === undefined ? {} : { step }),
      from: probe.from,
      expect: probe.expect,
      connectTimeoutMs,
    };
    if ('ping' in probe) {
      if (!parseAddress(probe.ping)) {
        problems.push(`probe ${probe.name}: ping "${probe.ping}" is not an address`);
        continue;
      }
      const { broadcast, size, dontFragment, count = 1, intervalMs = PING_INTERVAL_MS } = probe;
      if (pingRunMs({ count, intervalMs, connectTimeoutMs }) > MAX_PING_RUN_MS) {
        problems.push(
          `probe ${probe.name}: count ${count} every ${intervalMs} ms with a ${connectTimeoutMs} ms reply wait runs past ${MAX_PING_RUN_MS} ms`,
        );
      }
      const ping = { broadcast, size, dontFragment, count, intervalMs };
      probes.push({ ...common, kind: 'ping', target: probe.ping, ...ping });
      continue;
    }
    if (probe.serverSees !== undefined && !parseAddress(probe.serverSees)) {
      problems.push(`probe ${probe.name}: serverSees "${probe.serverSees}" is not an address`);
    }
    if ('kind' in probe) {
      if (!(parseAddress(probe.to) || isHostName(probe.to))) {
        problems.push(
          `probe ${probe.name}: ${probe.kind} to "${probe.to}" is not an address or a host name`,
        );
        continue;
      }
      const { to: host, port, serverSees } = probe;
      const target = hostPort(host, port);
      if (probe.kind === 'udp') {
        const { sourcePort } = probe;
        probes.push({ ...common, kind: 'udp', host, port, target, serverSees, sourcePort });
      } else probes.push({ ...common, kind: 'tcp', host, port, target, serverSees });
      continue;
    }
    const target = parseHttpUrl(probe.url);
    if (!target) {
      problems.push(
        `probe ${probe.name}: url "${probe.url}" must be http:// with an address or a host name`,
      );
      continue;
    }
    probes.push({
      ...common,
      kind: 'http',
      url: probe.url,
      port: target.port,
      target: hostPort(target.host, target.port),
      serverSees: probe.serverSees,
    });
  }
  return probes;
}

/** The requests' spread plus the wait for the last reply: what a ping's run takes at most. */
export function pingRunMs(probe: Pick<PingProbePlan, 'count' | 'intervalMs' | 'connectTimeoutMs'>) {
  return (probe.count - 1) * probe.intervalMs + probe.connectTimeoutMs;
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function parseHttpUrl(text: string): { host: string; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'http:' || !(parseAddress(host) || isHostName(host))) return undefined;
  return { host, port: url.port ? Number(url.port) : 80 };
}
