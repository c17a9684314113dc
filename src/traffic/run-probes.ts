// Stage 6: curl, ping or the port-probe script from a node, one probe after another so each probe
// owns a time window in the captures.

import { fileURLToPath } from 'node:url';
import type { Topology } from '../backend/topology.ts';
import { parseAddress } from '../net/addresses.ts';
import { pingRunMs } from '../plan/plan-probes.ts';
import type {
  HttpProbePlan,
  PingProbePlan,
  ProbePlan,
  TcpProbePlan,
  UdpProbePlan,
} from '../plan/topology-plan.ts';
import { PYTHON } from '../system/python.ts';
import type { CommandOutput } from '../system/run-command.ts';

export interface ServerView {
  clientAddress?: string;
  clientPort?: number;
  node?: string;
}

export interface ProbeResult {
  name: string;
  /** The step it ran in; none: a top-level probe. */
  step?: string;
  from: string;
  /** "host:port" for http, udp and tcp, the address for ping. */
  to: string;
  expect: ProbePlan['expect'];
  /** The HTTP exchange completed, the echo or UDP reply came back, the TCP connection was made. */
  ok: boolean;
  /** What the HTTP, UDP or TCP service said it saw as the client address. */
  serverSaw?: string;
  httpStatus?: number;
  /** Ping only: echo replies received of requests sent, from ping's summary line. */
  replies?: { received: number; sent: number };
  /** The probe tool's exit code (curl, ping or the port-probe script). */
  exitCode: number;
  error?: string;
  startedAt: number;
  endedAt: number;
}

/** Time for the HTTP exchange after connecting: generous where success is expected. */
function transferMarginS(probe: HttpProbePlan): number {
  return probe.expect === 'connects' ? 5 : 1;
}

/** The probes given (by default the plan's top-level ones), one after another. */
export async function runProbes(
  topology: Topology,
  probes = topology.plan.probes.filter((p) => p.step === undefined),
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const probe of probes) results.push(await runProbe(topology, probe));
  return results;
}

export function curlArgv(probe: HttpProbePlan): string[] {
  const connectS = probe.connectTimeoutMs / 1000;
  return [
    'curl',
    '--silent',
    '--show-error',
    // A URL is one request: "[1-100000]" or "{a,b}" in it must not turn into many.
    '--globoff',
    // A proxy from the environment must never carry lab traffic.
    '--noproxy',
    '*',
    '--connect-timeout',
    String(connectS),
    '--max-time',
    String(connectS + transferMarginS(probe)),
    '--output',
    '-',
    '--write-out',
    '\n%{json}',
    probe.url,
  ];
}

/**
 * `count` echo requests `intervalMs` apart; -W is the wait for a reply after the last request, in
 * seconds (fractions allowed). No -w deadline: with one, ping goes on sending until it has `count`
 * replies. -6 for an IPv6 address, so the family is stated rather than guessed; -s and -M do mean
 * the same there (56 bytes make a 104-byte IPv6 packet; IPv6 routers never fragment anyway).
 */
export function pingArgv(probe: PingProbePlan): string[] {
  const waitS = String(probe.connectTimeoutMs / 1000);
  return [
    'ping',
    ...(parseAddress(probe.target)?.kind() === 'ipv6' ? ['-6'] : []),
    '-n',
    '-c',
    String(probe.count),
    ...(probe.count > 1 ? ['-i', String(probe.intervalMs / 1000)] : []),
    '-W',
    waitS,
    ...(probe.size !== undefined ? ['-s', String(probe.size)] : []),
    ...(probe.dontFragment ? ['-M', 'do'] : []),
    ...(probe.broadcast ? ['-b'] : []),
    probe.target,
  ];
}

/** Ping's summary ("3 packets transmitted, 1 received, ...") and why none came back. */
export function readPing(output: CommandOutput): Pick<ProbeResult, 'ok' | 'error' | 'replies'> {
  const summary = /(\d+) packets transmitted, (\d+) received/.exec(output.stdout);
  const replies = summary ? { sent: Number(summary[1]), received: Number(summary[2]) } : undefined;
  // Exit 0 is at least one reply (without -w); the summary says so too.
  const ok = output.exitCode === 0 && (replies?.received ?? 1) > 0;
  // An ICMP error in answer ("From 203.0.113.1 icmp_seq=1 Frag needed and DF set (mtu = 1400)").
  const icmpError = /^From .*$/m.exec(output.stdout)?.[0];
  const counted = replies ? ` (${replies.received}/${replies.sent} replies)` : '';
  const why = output.stderr.trim() || icmpError || 'no echo reply';
  return { ok, replies, error: ok ? undefined : `${why}${counted}` };
}

const PORT_PROBE = fileURLToPath(new URL('./port-probe.py', import.meta.url));

/** One datagram or one connect, with the reply (or the service's line) awaited up to the timeout. */
export function portProbeArgv(probe: UdpProbePlan | TcpProbePlan): string[] {
  return [
    PYTHON,
    '-S',
    PORT_PROBE,
    `--proto=${probe.kind}`,
    `--host=${probe.host}`,
    `--port=${probe.port}`,
    `--timeout-ms=${probe.connectTimeoutMs}`,
    ...(probe.kind === 'udp' && probe.sourcePort !== undefined
      ? [`--source-port=${probe.sourcePort}`]
      : []),
  ];
}

interface ProbeTool {
  argv: string[];
  action: string;
  timeoutMs: number;
  /** What the tool's output says about the probe. */
  read(
    output: CommandOutput,
  ): Pick<ProbeResult, 'ok' | 'error' | 'serverSaw' | 'httpStatus' | 'replies'>;
}

function probeTool(probe: ProbePlan): ProbeTool {
  if (probe.kind === 'ping') {
    return {
      argv: pingArgv(probe),
      action: `ping ${probe.target}`,
      timeoutMs: pingRunMs(probe) + 5000,
      read: readPing,
    };
  }
  if (probe.kind === 'udp' || probe.kind === 'tcp') {
    return {
      argv: portProbeArgv(probe),
      action: `send ${probe.kind} probe to ${probe.target}`,
      // The script's own waits are bounded by the timeout; this covers Python's start-up.
      timeoutMs: probe.connectTimeoutMs + 5000,
      read: (output) => {
        const parsed = tryJson(output.stdout.trim()) as
          | { ok?: boolean; serverSaw?: string; error?: string }
          | undefined;
        const ok = output.exitCode === 0 && parsed?.ok === true;
        const error = parsed?.error || output.stderr.trim() || `exit ${output.exitCode}`;
        return { ok, serverSaw: parsed?.serverSaw ?? undefined, error: ok ? undefined : error };
      },
    };
  }
  return {
    argv: curlArgv(probe),
    action: `run curl to ${probe.url}`,
    timeoutMs: probe.connectTimeoutMs + (transferMarginS(probe) + 5) * 1000,
    read: (output) => {
      const parsed = parseCurlOutput(output.stdout);
      const ok =
        output.exitCode === 0 && parsed.httpStatus !== undefined && parsed.httpStatus < 400;
      const error = output.stderr.trim() || parsed.errorMessage || `curl exit ${output.exitCode}`;
      return {
        ok,
        serverSaw: parsed.server?.clientAddress,
        httpStatus: parsed.httpStatus || undefined,
        error: ok ? undefined : error,
      };
    },
  };
}

async function runProbe(topology: Topology, probe: ProbePlan): Promise<ProbeResult> {
  const tool = probeTool(probe);
  const startedAt = Date.now();
  const output = await topology.exec(probe.from, tool.argv, {
    action: tool.action,
    stage: 'traffic',
    allowFailure: true,
    timeoutMs: tool.timeoutMs,
  });
  return {
    name: probe.name,
    ...(probe.step === undefined ? {} : { step: probe.step }),
    from: probe.from,
    to: probe.target,
    expect: probe.expect,
    exitCode: output.exitCode,
    startedAt,
    endedAt: Date.now(),
    ...tool.read(output),
  };
}

/** stdout is the body, a newline, then curl's --write-out JSON. */
export function parseCurlOutput(stdout: string): {
  server?: ServerView;
  httpStatus?: number;
  errorMessage?: string;
} {
  const split = stdout.lastIndexOf('\n');
  const body = stdout.slice(0, Math.max(split, 0));
  const meta = tryJson(stdout.slice(split + 1)) as
    | { http_code?: number; errormsg?: string | null }
    | undefined;
  return {
    server: tryJson(body.trim()) as ServerView | undefined,
    httpStatus: meta?.http_code,
    errorMessage: meta?.errormsg ?? undefined,
  };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
