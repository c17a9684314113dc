// Stage 6: curl from a node, one probe after another so each probe owns a time window in the captures.

import type { Topology } from '../backend/topology.ts';
import type { ProbePlan } from '../plan/topology-plan.ts';

export interface ServerView {
  clientAddress?: string;
  clientPort?: number;
  node?: string;
}

export interface ProbeResult {
  name: string;
  from: string;
  /** "host:port" */
  to: string;
  url: string;
  expect: ProbePlan['expect'];
  /** The HTTP exchange completed. */
  ok: boolean;
  /** What the HTTP service said it saw as the client address. */
  serverSaw?: string;
  httpStatus?: number;
  /** The probe tool's exit code (curl or ping). */
  curlExit: number;
  error?: string;
  startedAt: number;
  endedAt: number;
}

/** Time for the HTTP exchange after connecting: generous where success is expected. */
function transferMarginS(probe: ProbePlan): number {
  return probe.expect === 'connects' ? 5 : 1;
}

export async function runProbes(topology: Topology): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const probe of topology.plan.probes) results.push(await runProbe(topology, probe));
  return results;
}

export function curlArgv(probe: ProbePlan): string[] {
  const connectS = probe.connectTimeoutMs / 1000;
  return [
    'curl',
    '--silent',
    '--show-error',
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

/** One echo request; -W is the reply timeout in seconds (fractions allowed). */
export function pingArgv(probe: ProbePlan): string[] {
  const waitS = String(probe.connectTimeoutMs / 1000);
  return ['ping', '-n', '-c', '1', '-W', waitS, ...(probe.broadcast ? ['-b'] : []), probe.host];
}

async function runProbe(topology: Topology, probe: ProbePlan): Promise<ProbeResult> {
  return probe.kind === 'ping' ? runPing(topology, probe) : runCurl(topology, probe);
}

async function runPing(topology: Topology, probe: ProbePlan): Promise<ProbeResult> {
  const startedAt = Date.now();
  const output = await topology.exec(probe.from, pingArgv(probe), {
    action: `ping ${probe.host}`,
    stage: 'traffic',
    allowFailure: true,
    timeoutMs: probe.connectTimeoutMs + 5000,
  });
  const ok = output.exitCode === 0;
  return {
    name: probe.name,
    from: probe.from,
    to: probe.target,
    url: probe.url,
    expect: probe.expect,
    ok,
    curlExit: output.exitCode,
    error: ok ? undefined : output.stderr.trim() || 'no echo reply',
    startedAt,
    endedAt: Date.now(),
  };
}

async function runCurl(topology: Topology, probe: ProbePlan): Promise<ProbeResult> {
  const startedAt = Date.now();
  const output = await topology.exec(probe.from, curlArgv(probe), {
    action: `run curl to ${probe.url}`,
    stage: 'traffic',
    allowFailure: true,
    timeoutMs: probe.connectTimeoutMs + (transferMarginS(probe) + 5) * 1000,
  });
  const endedAt = Date.now();
  const parsed = parseCurlOutput(output.stdout);
  const ok = output.exitCode === 0 && parsed.httpStatus !== undefined && parsed.httpStatus < 400;
  return {
    name: probe.name,
    from: probe.from,
    to: probe.target,
    url: probe.url,
    expect: probe.expect,
    ok,
    serverSaw: parsed.server?.clientAddress,
    httpStatus: parsed.httpStatus || undefined,
    curlExit: output.exitCode,
    error: ok
      ? undefined
      : output.stderr.trim() || parsed.errorMessage || `curl exit ${output.exitCode}`,
    startedAt,
    endedAt,
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
