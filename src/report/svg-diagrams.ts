// SVG for the HTML report: the topology with per-link packet counts, and a probe's ladder. Plain
// strings, no script: the page must work offline and from file://.

import { nodeOf, pointId } from '../plan/point-id.ts';
import { escapeXml } from './escape-xml.ts';
import type { Ladder } from './ladder.ts';
import type { CaptureReport, TopologySummary } from './scenario-result.ts';

const BOX = { width: 120, height: 34 };
const GAP = { x: 200, y: 76 };
const MARGIN = 30;

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

export function topologySvg(
  topology: TopologySummary,
  captures: readonly CaptureReport[],
  start: string,
): string {
  const at = layout(topology, start);
  const packets = new Map(captures.map((c) => [pointId(c.node, c.iface), c.packets]));
  const width = Math.max(...[...at.values()].map((p) => p.x)) + BOX.width + MARGIN;
  const height = Math.max(...[...at.values()].map((p) => p.y)) + BOX.height + MARGIN;
  const centre = (point: string) => {
    const p = at.get(nodeOf(point)) ?? { x: 0, y: 0 };
    return { x: p.x + BOX.width / 2, y: p.y + BOX.height / 2 };
  };
  const links = topology.links.map(({ a, b }) => {
    const [p, q] = [centre(a), centre(b)];
    // Each end saw some of the link's packets (a switch port records only what enters it).
    const count = Math.max(packets.get(a) ?? 0, packets.get(b) ?? 0);
    return [
      `<g class="link"><title>${escapeXml(`${a} – ${b}: ${count} packets`)}</title>`,
      `<line x1="${p.x}" y1="${p.y}" x2="${q.x}" y2="${q.y}"/>`,
      `<text class="count" x="${(p.x + q.x) / 2}" y="${(p.y + q.y) / 2 - 5}">${count} pkts</text></g>`,
    ].join('');
  });
  const nodes = topology.nodes.map((node) => {
    const p = at.get(node.name) ?? { x: 0, y: 0 };
    return [
      `<g class="node ${node.kind}"><rect x="${p.x}" y="${p.y}" width="${BOX.width}" height="${BOX.height}" rx="${node.kind === 'switch' ? 16 : 4}"/>`,
      `<text x="${p.x + BOX.width / 2}" y="${p.y + BOX.height / 2 + 5}">${escapeXml(node.name)}</text></g>`,
    ].join('');
  });
  return `<svg class="topology" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="topology">${links.join('')}${nodes.join('')}</svg>`;
}

const LADDER = { label: 150, column: 130, row: 26, top: 36 };

/** One <line class="arrow"> per segment a packet travelled between two nodes. */
export function ladderSvg(ladder: Ladder): string {
  const x = (column: number) => LADDER.label + column * LADDER.column + LADDER.column / 2;
  const width = LADDER.label + ladder.columns.length * LADDER.column;
  const height = LADDER.top + ladder.rows.length * LADDER.row + 10;
  const parts: string[] = [
    '<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
  ];
  ladder.columns.forEach((name, c) => {
    parts.push(
      `<text class="column" x="${x(c)}" y="18">${escapeXml(name)}</text>`,
      `<line class="lifeline" x1="${x(c)}" y1="26" x2="${x(c)}" y2="${height - 4}"/>`,
    );
  });
  ladder.rows.forEach((row, r) => {
    const y = LADDER.top + r * LADDER.row + LADDER.row / 2;
    parts.push(
      `<g class="journey ${row.end}"><text class="label" x="6" y="${y + 4}">${row.journey} ${escapeXml(row.label)}</text>`,
    );
    row.stops.forEach((stop, i) => {
      const next = row.stops[i + 1];
      if (next) {
        const dir = Math.sign(x(next.column) - x(stop.column));
        parts.push(
          `<line class="arrow" x1="${x(stop.column)}" y1="${y}" x2="${x(next.column) - dir * 4}" y2="${y}" marker-end="url(#head)"/>`,
        );
      }
      if (stop.rewrote)
        parts.push(`<circle class="rewrite" cx="${x(stop.column)}" cy="${y}" r="5"/>`);
    });
    const last = row.stops.at(-1);
    if (last && row.end === 'dropped')
      parts.push(`<text class="drop" x="${x(last.column)}" y="${y + 5}">✗</text>`);
    parts.push('</g>');
  });
  return `<svg class="ladder" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="ladder diagram">${parts.join('')}</svg>`;
}
