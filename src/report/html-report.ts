// report.html: one self-contained page per run (inline CSS and SVG, no script, no external asset),
// written next to the pcaps it links to. Pure: returns the page.

import { relative } from 'node:path';
import { pointId } from '../plan/point-id.ts';
import { escapeXml as esc } from './escape-xml.ts';
import { buildLadder } from './ladder.ts';
import { narrate } from './narrative.ts';
import { type ProbeReport, probeOutcome, type ScenarioResult } from './scenario-result.ts';
import { ladderSvg, topologySvg } from './svg-diagrams.ts';

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #1d2430; }
h1 { margin-bottom: .2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #d8dde5; }
.verdict { padding: .1em .5em; border-radius: 4px; color: #fff; font-size: .8em; vertical-align: middle; }
.pass { background: #1f7a3a; } .fail, .error { background: #b42323; } .skip { background: #6b7280; }
.meta, .dim { color: #5b6473; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .3em .6em; border-bottom: 1px solid #e6e9ef; vertical-align: top; }
td.ok { color: #1f7a3a; font-weight: bold; } td.bad { color: #b42323; font-weight: bold; }
pre { background: #f4f6f9; padding: .6em; overflow-x: auto; font-size: 13px; }
.finding { border-left: 4px solid #b42323; padding: .2em .8em; margin: .8em 0; background: #fdf4f4; }
svg { display: block; margin: .6em 0; max-width: 100%; height: auto; font: 13px system-ui, sans-serif; }
svg .link line { stroke: #8a94a6; stroke-width: 2; } svg .count { fill: #5b6473; text-anchor: middle; font-size: 11px; }
svg .node rect { fill: #e8f0fe; stroke: #3a64b5; } svg .node.switch rect { fill: #eef7ee; stroke: #3d8a4f; }
svg .node text, svg .column { text-anchor: middle; font-weight: 600; }
svg .lifeline { stroke: #c3cad6; stroke-dasharray: 4 3; } svg .arrow { stroke: #1d2430; stroke-width: 1.6; }
svg marker path { fill: #1d2430; } svg .rewrite { fill: #e0a800; stroke: #7a5c00; }
svg .drop { fill: #b42323; text-anchor: middle; font-weight: bold; font-size: 15px; }
svg .journey.dropped .arrow { stroke: #b42323; } ol.narrative li { font-family: ui-monospace, monospace; font-size: 13px; }
ol.narrative .rewrite { color: #7a5c00; }
`;

export function renderHtmlReport(result: ScenarioResult): string {
  const switches = new Set(
    result.topology.nodes.filter((n) => n.kind === 'switch').map((n) => n.name),
  );
  const start = result.probes[0]?.from ?? result.topology.nodes[0]?.name ?? '';
  const seconds = (result.durationMs / 1000).toFixed(2);
  const body = [
    `<h1>${esc(result.scenario)} <span class="verdict ${result.verdict}">${result.verdict.toUpperCase()}</span></h1>`,
    `<p>${esc(result.description ?? '')}</p>`,
    `<p class="meta">run ${esc(result.runId ?? '')} · kernel ${esc(result.kernel)} · ${seconds} s${result.reason ? ` · ${esc(result.reason)}` : ''}</p>`,
    '<section id="topology"><h2>Topology</h2>',
    result.topology.nodes.length > 0 ? topologySvg(result.topology, result.captures, start) : '',
    '<p class="dim">Per link: the packets captured at its busier end.</p></section>',
    checksSection(result),
    ...result.probes.map((probe) => probeSection(probe, switches)),
    diagnosisSection(result),
    kernelSection(result),
    capturesSection(result),
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="icon" href="data:,">',
    `<title>natlab: ${esc(result.scenario)} ${result.verdict}</title>`,
    `<style>${STYLE}</style></head><body>`,
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}

function checksSection(result: ScenarioResult): string {
  const rows = result.checks.map(
    (c) =>
      `<tr><td class="${c.ok ? 'ok' : 'bad'}">${c.ok ? '✓' : '✗'}</td><td>${esc(c.name)}</td><td class="dim">${esc(c.detail)}</td></tr>`,
  );
  return `<section id="checks"><h2>Checks</h2><table><tr><th></th><th>check</th><th>detail</th></tr>${rows.join('')}</table></section>`;
}

function probeSection(probe: ProbeReport, switches: ReadonlySet<string>): string {
  const outcome = probeOutcome(probe);
  const steps = narrate(probe.journeys, switches).map(
    (s) =>
      `<li value="${s.number}">${esc(s.text)}${s.rewrites.map((r) => `<br><span class="rewrite">${esc(r)}</span>`).join('')}</li>`,
  );
  const connections = probe.connections.map(
    (c) => `<li>${c.proto} ${esc(c.label)}: ${esc(c.summary)}</li>`,
  );
  return [
    `<section class="probe"><h2>Probe ${esc(probe.name)}: ${esc(probe.from)} → ${esc(probe.to)}</h2>`,
    `<p>expected: ${probe.expect} · ${esc(outcome)}</p>`,
    probe.journeys.length > 0
      ? ladderSvg(buildLadder(probe, switches))
      : '<p class="dim">no IP packet was captured during this probe</p>',
    `<ol class="narrative">${steps.join('')}</ol>`,
    connections.length > 0 ? `<p>Connections:</p><ul>${connections.join('')}</ul>` : '',
    '</section>',
  ].join('\n');
}

function diagnosisSection(result: ScenarioResult): string {
  if (result.diagnosis.length === 0)
    return '<section id="diagnosis"><h2>Diagnosis</h2><p>Nothing recognised.</p></section>';
  const findings = result.diagnosis.map(
    (f) =>
      `<div class="finding"><p><b>${esc(f.rule)}</b>: ${esc(f.summary)}</p><pre>${esc(f.evidence.join('\n'))}</pre></div>`,
  );
  return `<section id="diagnosis"><h2>Diagnosis</h2>${findings.join('')}</section>`;
}

function kernelSection(result: ScenarioResult): string {
  const nodes = result.kernelState.map((state) => {
    const counters = state.counters.map(
      (c) => `<tr><td>${c.packets}</td><td>${esc(c.table)}</td><td>${esc(c.rule)}</td></tr>`,
    );
    return [
      `<h3>${esc(state.node)}</h3>`,
      `<p>conntrack (${state.conntrack.length} flows)</p><pre>${esc(state.conntrack.join('\n'))}</pre>`,
      counters.length > 0
        ? `<table><tr><th>packets</th><th>table</th><th>rule</th></tr>${counters.join('')}</table>`
        : '',
    ].join('\n');
  });
  if (nodes.length === 0) return '';
  return `<section id="kernel"><h2>Kernel state after the traffic</h2>${nodes.join('')}</section>`;
}

function capturesSection(result: ScenarioResult): string {
  const items = result.captures.map((c) => {
    const href = result.outDir ? relative(result.outDir, c.file) : c.file;
    return `<li><a href="${esc(encodeURI(href))}">${esc(pointId(c.node, c.iface))}</a> · ${c.packets} packets</li>`;
  });
  return `<section id="captures"><h2>Captures</h2><ul>${items.join('')}</ul></section>`;
}
