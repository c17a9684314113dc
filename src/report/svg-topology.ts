// The topology as SVG: nodes in columns by hop distance, each link labelled with its packet count
// and each end with its interface and addresses, the labels laid out so that none covers another.

import { ifaceOf, nodeOf, pointId } from '../plan/point-id.ts';
import { escapeXml } from './escape-xml.ts';
import { type Box, type LabelRequest, layOutLabels, type Segment } from './label-layout.ts';
import type { CaptureReport, TopologySummary } from './scenario-result.ts';

const BOX = { width: 120, height: 34 };
const GAP = { x: 290, y: 120 };
const MARGIN = 30;
/** Labels are 11px monospace: a character is 0.6em wide. */
const CHAR = 6.7;
const LINE = 13;
const PAD = { x: 4, y: 3 };

/**
 * Nodes in columns by hop distance from `start` (the first prober), in link order within a column:
 * the hairpin lab reads left to right, client to internet.
 */
function layout(topology: TopologySummary, start: string): Map<string, { x: number; y: number }> {
  const neighbours = new Map<string, string[]>(topology.nodes.map((n) => [n.name, []]));
  for (const { a, b } of topology.links) {
    const [na, nb] = [nodeOf(a), nodeOf(b)];
    neighbours.get(na)?.push(nb);
    neighbours.get(nb)?.push(na);
  }
  const layer = new Map<string, number>();
  const queue = [start];
  layer.set(start, 0);
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    for (const next of neighbours.get(node) ?? []) {
      if (layer.has(next)) continue;
      layer.set(next, (layer.get(node) ?? 0) + 1);
      queue.push(next);
    }
  }
  const unreached = Math.max(0, ...layer.values()) + 1;
  const rows = new Map<number, number>();
  const at = new Map<string, { x: number; y: number }>();
  for (const node of topology.nodes) {
    const column = layer.get(node.name) ?? unreached;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    at.set(node.name, { x: MARGIN + column * GAP.x, y: MARGIN + row * GAP.y });
  }
  return at;
}

/** An interface's name (and its bridge), then its addresses, or its bridge's. */
function endText(topology: TopologySummary, point: string): string[] {
  const node = topology.nodes.find((n) => n.name === nodeOf(point));
  const iface = node?.interfaces?.find((i) => i.name === ifaceOf(point));
  const bridge = iface?.master ? node?.interfaces?.find((i) => i.name === iface.master) : undefined;
  // A switch's ports are all in its bridge: only a router's bridge port is worth naming.
  const name =
    iface?.master && node?.kind !== 'switch'
      ? `${ifaceOf(point)} in ${iface.master}`
      : ifaceOf(point);
  return [name, ...(iface?.addresses.length ? iface.addresses : (bridge?.addresses ?? []))];
}

interface Label {
  kind: 'end' | 'count';
  lines: string[];
  /** Distances along `along` from its start where the label's centre may sit, best first. */
  at: (size: { w: number; h: number }) => number[];
  along: Segment;
}

/** A label's box size, and candidate centres beside its segment at the distances it asks for. */
function request({ lines, at, along }: Label): LabelRequest {
  const w = Math.max(...lines.map((l) => l.length)) * CHAR + 2 * PAD.x;
  const h = lines.length * LINE + 2 * PAD.y;
  return {
    width: w,
    height: h,
    candidates: besideLine({ s: along, distances: at({ w, h }), w, h }),
  };
}

/**
 * Centres along the segment at the distances given from its start, on either side of it: just
 * clear of the line, or clear of a node box on it, or further out.
 */
function besideLine({
  s,
  distances,
  w,
  h,
}: {
  s: Segment;
  distances: number[];
  w: number;
  h: number;
}) {
  const length = Math.hypot(s.x2 - s.x1, s.y2 - s.y1) || 1;
  const [ux, uy] = [(s.x2 - s.x1) / length, (s.y2 - s.y1) / length];
  const [nx, ny] = [-uy, ux];
  const clear = (w / 2) * Math.abs(nx) + (h / 2) * Math.abs(ny) + 3;
  const offsets = [clear, clear + BOX.height / 2, clear + BOX.height];
  return distances
    .filter((d) => d >= 0 && d < length)
    .flatMap((d) =>
      offsets.flatMap((offset) =>
        [1, -1].map((side) => ({
          x: s.x1 + ux * d + nx * side * offset,
          y: s.y1 + uy * d + ny * side * offset,
        })),
      ),
    );
}

/** from, from + 8, ... up to `to`. */
const steps = (from: number, to: number) =>
  Array.from({ length: Math.max(0, Math.floor((to - from) / 8) + 1) }, (_, i) => from + i * 8);

export function topologySvg(
  topology: TopologySummary,
  captures: readonly CaptureReport[],
  start: string,
): string {
  const at = layout(topology, start);
  const packets = new Map(captures.map((c) => [pointId(c.node, c.iface), c.packets]));
  const centre = (point: string) => {
    const p = at.get(nodeOf(point)) ?? { x: 0, y: 0 };
    return { x: p.x + BOX.width / 2, y: p.y + BOX.height / 2 };
  };
  const nodeBoxes: Box[] = [...at.values()].map((p) => ({ ...p, ...BOX }));
  const segments = topology.links.map(({ a, b }): Segment => {
    const [p, q] = [centre(a), centre(b)];
    return { x1: p.x, y1: p.y, x2: q.x, y2: q.y };
  });
  // Each end saw some of the link's packets (a switch port records only what enters it).
  const counts = topology.links.map(({ a, b }) =>
    Math.max(packets.get(a) ?? 0, packets.get(b) ?? 0),
  );
  const labels = topology.links.flatMap(({ a, b }, i): Label[] => {
    const s = segments[i] as Segment;
    const half = Math.hypot(s.x2 - s.x1, s.y2 - s.y1) / 2;
    // An end's label starts near its node (above or below it), a count's in the link's middle.
    const near = ({ w }: { w: number }) => steps(Math.max(0, BOX.width / 2 - w / 2 + 10), half);
    const reversed = { x1: s.x2, y1: s.y2, x2: s.x1, y2: s.y1 };
    return [
      { kind: 'end', lines: endText(topology, a), at: near, along: s },
      { kind: 'end', lines: endText(topology, b), at: near, along: reversed },
      {
        kind: 'count',
        lines: [`${counts[i]} pkts`],
        at: () => steps(0, half).flatMap((d) => [half - d, half + d]),
        along: s,
      },
    ];
  });
  const bottom = Math.max(...nodeBoxes.map((n) => n.y + n.height)) + MARGIN;
  const boxes = layOutLabels({
    labels: labels.map(request),
    obstacles: nodeBoxes,
    lines: segments,
    overflowY: bottom,
  });
  const width = Math.max(...[...nodeBoxes, ...boxes].map((b) => b.x + b.width)) + MARGIN;
  const height = Math.max(bottom, ...boxes.map((b) => b.y + b.height + MARGIN));
  const links = topology.links.map(({ a, b }, i) => {
    const s = segments[i] as Segment;
    return `<g class="link"><title>${escapeXml(`${a} – ${b}: ${counts[i]} packets`)}</title><line x1="${s.x1}" y1="${s.y1}" x2="${s.x2}" y2="${s.y2}"/></g>`;
  });
  const nodes = topology.nodes.map((node) => {
    const p = at.get(node.name) ?? { x: 0, y: 0 };
    return [
      `<g class="node ${node.kind}"><rect x="${p.x}" y="${p.y}" width="${BOX.width}" height="${BOX.height}" rx="${node.kind === 'switch' ? 16 : 4}"/>`,
      `<text x="${p.x + BOX.width / 2}" y="${p.y + BOX.height / 2 + 5}">${escapeXml(node.name)}</text></g>`,
    ].join('');
  });
  const drawn = boxes.map((box, i) => {
    const { kind, lines: text } = labels[i] as Label;
    const lines = text.map(
      (line, l) =>
        `<tspan x="${r(box.x + PAD.x)}" y="${r(box.y + PAD.y + (l + 1) * LINE - 3)}">${escapeXml(line)}</tspan>`,
    );
    return `<g class="label ${kind}"><rect class="label-box" x="${r(box.x)}" y="${r(box.y)}" width="${r(box.width)}" height="${r(box.height)}" rx="3"/><text>${lines.join('')}</text></g>`;
  });
  return `<svg class="topology" xmlns="http://www.w3.org/2000/svg" width="${r(width)}" height="${r(height)}" viewBox="0 0 ${r(width)} ${r(height)}" role="img" aria-label="topology">${links.join('')}${nodes.join('')}${drawn.join('')}</svg>`;
}

const r = (n: number) => Math.round(n * 10) / 10;
