// Stage 11, for a person: the checks with ✓/✗; per probe a ladder diagram and a numbered narrative
// of its packets; then the diagnosis and the kernel's state.
// Pure: returns text. Falls back to plain ASCII when the output is not a terminal.

import type { Finding } from '../analyse/finding.ts';
import { colourWanted, type Palette, palette } from './colour.ts';
import { ASCII_LADDER, buildLadder, renderLadderText, UNICODE_LADDER } from './ladder.ts';
import { type NarrativeStep, narrate } from './narrative.ts';
import { type ProbeReport, probeOutcome, type ScenarioResult } from './scenario-result.ts';
import { probeSections, stepHeading, stepStateLines } from './step-sections.ts';
import { textTable } from './text-table.ts';

export interface Glyphs extends Palette {
  ok: string;
  fail: string;
  arrow: string;
  via: string;
}

const UNICODE = { ok: '✓', fail: '✗', arrow: '→', via: ' › ' };
const ASCII = { ok: 'ok', fail: 'FAIL', arrow: '->', via: ' > ' };

/** Unicode marks on a terminal, ASCII elsewhere; colour as colour.ts decides (NO_COLOR, FORCE_COLOR). */
export function glyphsFor(
  tty: boolean,
  env?: Readonly<Record<string, string | undefined>>,
): Glyphs {
  return { ...(tty ? UNICODE : ASCII), ...palette(colourWanted({ tty, env })) };
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

/** Wrapped to WIDTH, every line indented; continuation lines indented `more` further. */
function indented(text: string, indent: number, more = 2): string[] {
  const [first = '', ...rest] = wrap(text, WIDTH - indent - more, WIDTH - indent);
  return [first, ...rest.map((l) => `${' '.repeat(more)}${l}`)].map(
    (l) => `${' '.repeat(indent)}${l}`,
  );
}

/** Arrows as the glyphs draw them. */
function asciiFor(g: Glyphs): (text: string) => string {
  return (text) => (g.arrow === '→' ? text : text.replaceAll('→', g.arrow));
}

/** One finding: its rule and summary, then its evidence frames. */
export function renderFinding(finding: Finding, g: Glyphs): string[] {
  const ascii = asciiFor(g);
  const label = `  [${finding.rule}] `;
  const [first = '', ...rest] = wrap(ascii(finding.summary), WIDTH - 4, WIDTH - label.length);
  return [
    `  ${g.red(`[${finding.rule}]`)} ${first}`,
    ...rest.map((l) => `    ${l}`),
    ...finding.evidence.flatMap((line) => indented(ascii(line), 6).map(g.dim)),
  ];
}

/** One probe of a result: its outcome and ladder, and the narrative unless told otherwise. */
export function renderProbeOf(
  result: ScenarioResult,
  probe: ProbeReport,
  g: Glyphs,
  { narrative = true } = {},
): string[] {
  return renderProbe(probe, switchesOf(result), g, asciiFor(g), narrative);
}

function switchesOf(result: ScenarioResult): ReadonlySet<string> {
  return new Set(result.topology.nodes.filter((n) => n.kind === 'switch').map((n) => n.name));
}

export function renderTerminalReport(result: ScenarioResult, g: Glyphs): string {
  const lines: string[] = [];
  const ascii = asciiFor(g);
  lines.push('', g.bold(`${result.scenario}: ${result.description ?? ''}`), '');

  if (result.checks.length > 0) {
    lines.push(g.bold('Checks'));
    for (const check of result.checks) {
      const mark = check.ok ? g.green(g.ok) : g.red(g.fail);
      const [name = '', ...more] = indented(ascii(check.name), 4);
      lines.push(`  ${mark} ${name.trimStart()}`, ...more);
      lines.push(...indented(ascii(check.detail), 6).map(g.dim));
    }
    lines.push('');
  }

  const switches = switchesOf(result);
  for (const section of probeSections(result)) {
    const heading = stepHeading(section);
    if (heading) {
      lines.push(g.bold(`== ${heading} ==`));
      const step = section.step;
      for (const line of step ? [...step.changes, ...stepStateLines(step)] : [])
        lines.push(...indented(line, 2).map(g.dim));
      if (section.probes.length === 0) lines.push(`  ${g.dim('no probes')}`);
      lines.push('');
    }
    for (const probe of section.probes) lines.push(...renderProbe(probe, switches, g, ascii), '');
  }

  if (result.diagnosis.length > 0) {
    lines.push(g.bold('Diagnosis'));
    for (const finding of result.diagnosis) lines.push(...renderFinding(finding, g));
    lines.push('');
  }

  lines.push(...renderKernelState(result, g, ascii));

  if (result.kept) {
    lines.push(g.bold('Lab kept up. Enter a node with:'));
    lines.push(...textTable(result.kept.map((k) => [k.node, k.enter])).map((l) => `  ${l}`));
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
  const lines = [g.bold(`Kernel state after the ${result.steps ? 'last step' : 'traffic'}`)];
  for (const state of result.kernelState) {
    lines.push(`  ${state.node}: ${state.conntrack.length} conntrack flow(s)`);
    for (const flow of state.conntrack.slice(0, CONNTRACK_SHOWN))
      lines.push(...indented(flow.replace(/\s+/g, ' '), 4).map(g.dim));
    if (state.conntrack.length > CONNTRACK_SHOWN)
      lines.push(
        `    ${g.dim(`... ${state.conntrack.length - CONNTRACK_SHOWN} more in the JSON result`)}`,
      );
    for (const c of state.counters) {
      const [first = '', ...more] = indented(ascii(`${c.table}: ${c.rule}`), 17);
      lines.push(`    ${String(c.packets).padStart(6)} pkts  ${first.trimStart()}`, ...more);
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

function renderProbe(
  probe: ProbeReport,
  switches: ReadonlySet<string>,
  g: Glyphs,
  ascii: (s: string) => string,
  narrative = true,
): string[] {
  const outcome = probeOutcome(probe);
  const lines = [
    g.bold(ascii(`Probe ${probe.name}: ${probe.from} → ${probe.to}`)) +
      g.dim(` (${EXPECTATION[probe.expect]})`),
    ...indented(outcome, 2),
  ];
  if (probe.journeys.length === 0) {
    lines.push(`  ${g.dim('no IP packet was captured during this probe')}`);
    return lines;
  }
  const glyphs = g.arrow === '→' ? UNICODE_LADDER : ASCII_LADDER;
  const ladder = renderLadderText(buildLadder(probe, switches), glyphs, WIDTH);
  lines.push(...ladder.map((l, i) => (i === 0 ? g.bold(l) : l)));
  lines.push(
    g.dim(ascii(`  ${glyphs.rewrite} rewrote  ${glyphs.pass} forwarded  ${glyphs.drop} dropped`)),
  );
  if (narrative) lines.push(...renderNarrative(narrate(probe.journeys, switches), ascii));
  return lines;
}

function renderNarrative(steps: readonly NarrativeStep[], ascii: (s: string) => string): string[] {
  return steps.flatMap((step) => {
    const number = `${String(step.number).padStart(3)}. `;
    const [first = '', ...rest] = wrap(ascii(step.text), WIDTH - 7, WIDTH - number.length);
    return [
      `${number}${first}`,
      ...rest.map((l) => `       ${l}`),
      ...step.rewrites.map((r) => `       ${ascii(r)}`),
    ];
  });
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
