// Stage 11, for a person: the checks with ✓/✗, then each probe's packet-by-packet account.
// Pure: returns text. Falls back to plain ASCII when the output is not a terminal.

import type { TraceStep } from '../analyse/probe-trace.ts';
import type { ProbeReport, ScenarioResult } from './scenario-result.ts';

export interface Glyphs {
  ok: string;
  fail: string;
  arrow: string;
  via: string;
  green: (s: string) => string;
  red: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

const plain = (s: string) => s;

export function glyphsFor(tty: boolean): Glyphs {
  const ansi = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
  return tty
    ? {
        ok: '✓',
        fail: '✗',
        arrow: '→',
        via: ' › ',
        green: ansi('32'),
        red: ansi('31'),
        dim: ansi('2'),
        bold: ansi('1'),
      }
    : {
        ok: 'ok',
        fail: 'FAIL',
        arrow: '->',
        via: ' > ',
        green: plain,
        red: plain,
        dim: plain,
        bold: plain,
      };
}

/** Prose is wrapped to fit a 100-column terminal; packet lines are not, they line up in columns. */
const WIDTH = 100;

/** Words into lines: the first up to `firstWidth`, the others up to `width`. */
export function wrap(text: string, width: number, firstWidth = width): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const limit = lines.length === 0 ? firstWidth : width;
    if (line && line.length + 1 + word.length > limit) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return line ? [...lines, line] : lines;
}

export function renderTerminalReport(result: ScenarioResult, g: Glyphs): string {
  const lines: string[] = [];
  const ascii = (text: string) => (g.arrow === '→' ? text : text.replaceAll('→', g.arrow));
  lines.push('', g.bold(`${result.scenario}: ${result.description ?? ''}`), '');

  if (result.checks.length > 0) {
    lines.push(g.bold('Checks'));
    for (const check of result.checks) {
      const mark = check.ok ? g.green(g.ok) : g.red(g.fail);
      lines.push(`  ${mark} ${ascii(check.name)}`);
      lines.push(`      ${g.dim(ascii(check.detail))}`);
    }
    lines.push('');
  }

  for (const probe of result.probes) lines.push(...renderProbe(probe, g, ascii), '');

  if (result.diagnosis.length > 0) {
    lines.push(g.bold('Diagnosis'));
    for (const finding of result.diagnosis) {
      const label = `  [${finding.rule}] `;
      const [first = '', ...rest] = wrap(ascii(finding.summary), WIDTH - 4, WIDTH - label.length);
      lines.push(`  ${g.red(`[${finding.rule}]`)} ${first}`, ...rest.map((l) => `    ${l}`));
      for (const line of finding.evidence) lines.push(`      ${g.dim(ascii(line))}`);
    }
    lines.push('');
  }

  lines.push(...renderKernelState(result, g, ascii));

  if (result.kept) {
    lines.push(g.bold('Lab kept up. Enter a node with:'));
    for (const k of result.kept) lines.push(`  ${k.node.padEnd(10)} ${k.enter}`);
    lines.push('Remove it with: npm run clean', '');
  }
  lines.push(verdictLine(result, g));
  if (result.outDir) lines.push(g.dim(`pcaps and result: ${result.outDir}`));
  return `${lines.join('\n')}\n`;
}

/** A few conntrack flows per node: enough to see the NAT, short enough to read. */
const CONNTRACK_SHOWN = 4;

function renderKernelState(
  result: ScenarioResult,
  g: Glyphs,
  ascii: (s: string) => string,
): string[] {
  if (result.kernelState.length === 0) return [];
  const lines = [g.bold('Kernel state after the traffic')];
  for (const state of result.kernelState) {
    lines.push(`  ${state.node}: ${state.conntrack.length} conntrack flow(s)`);
    for (const flow of state.conntrack.slice(0, CONNTRACK_SHOWN))
      lines.push(`    ${g.dim(flow.replace(/\s+/g, ' '))}`);
    if (state.conntrack.length > CONNTRACK_SHOWN)
      lines.push(
        `    ${g.dim(`... ${state.conntrack.length - CONNTRACK_SHOWN} more in the JSON result`)}`,
      );
    for (const c of state.counters) {
      lines.push(`    ${String(c.packets).padStart(6)} pkts  ${ascii(`${c.table}: ${c.rule}`)}`);
    }
  }
  lines.push('');
  return lines;
}

const EXPECTATION = {
  connects: 'expected to connect',
  fails: 'expected to fail',
  either: 'outcome not checked',
} as const;

function renderProbe(probe: ProbeReport, g: Glyphs, ascii: (s: string) => string): string[] {
  const outcome = probe.ok
    ? `connected${probe.serverSaw ? `, server saw ${probe.serverSaw}` : ''}`
    : `failed${probe.error ? `: ${probe.error}` : ''}`;
  const lines = [
    g.bold(ascii(`Probe ${probe.name}: ${probe.from} → ${probe.to}`)) +
      g.dim(` (${EXPECTATION[probe.expect]}) `) +
      outcome,
  ];
  if (probe.trace.length === 0) {
    lines.push(`  ${g.dim('no IP packet was captured during this probe')}`);
    return lines;
  }
  const kindWidth = Math.max(...probe.trace.map((s) => s.kind.length));
  const addrWidth = Math.max(...probe.trace.map((s) => s.addresses.length));
  probe.trace.forEach((step, i) => {
    const n = String(i + 1).padStart(3);
    lines.push(
      ascii(
        `${n}  ${step.kind.padEnd(kindWidth)}  ${step.addresses.padEnd(addrWidth)}  ${g.dim(path(step, g))}`,
      ),
    );
  });
  return lines;
}

/** Consecutive hops inside one node collapse: "lan:client→router". */
export function path(step: TraceStep, g: Pick<Glyphs, 'arrow' | 'via'>): string {
  const groups: { node: string; ifaces: string[] }[] = [];
  for (const hop of step.hops) {
    const [node = '', iface = ''] = hop.point.split(':');
    const last = groups.at(-1);
    if (last?.node === node) last.ifaces.push(iface);
    else groups.push({ node, ifaces: [iface] });
  }
  return groups.map((x) => `${x.node}:${x.ifaces.join(g.arrow)}`).join(g.via);
}

function verdictLine(result: ScenarioResult, g: Glyphs): string {
  const held = result.checks.filter((c) => c.ok).length;
  const seconds = (result.durationMs / 1000).toFixed(2);
  switch (result.verdict) {
    case 'pass':
      return g.green(
        g.bold(`PASS: every check held (${held}/${result.checks.length}) in ${seconds} s`),
      );
    case 'fail':
      return g.red(
        g.bold(
          `FAIL: ${result.checks.length - held} of ${result.checks.length} checks failed (${seconds} s)`,
        ),
      );
    case 'skip':
      return g.bold(`SKIPPED: ${result.reason ?? ''}`);
    default:
      return g.red(g.bold(`ERROR: ${result.reason ?? ''}`));
  }
}
