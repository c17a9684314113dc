// A probe's ladder as SVG for the HTML report (the topology is svg-topology.ts), the packets a
// finding cites in the failure colour. Plain strings, no script: the page must work offline.

import { escapeXml } from './escape-xml.ts';
import type { Ladder } from './ladder.ts';

const LADDER = { label: 150, column: 130, row: 26, top: 36 };

/**
 * One <line class="arrow"> per segment a packet travelled between two nodes. `cited`: the journeys
 * a finding names, with the findings' rules, drawn in the failure colour.
 */
export function ladderSvg(
  ladder: Ladder,
  cited: ReadonlyMap<number, string[]> = new Map(),
): string {
  const x = (column: number) => LADDER.label + column * LADDER.column + LADDER.column / 2;
  const width = LADDER.label + ladder.columns.length * LADDER.column;
  const height = LADDER.top + ladder.rows.length * LADDER.row + 10;
  const parts: string[] = [`<defs>${marker('head')}${marker('head-cited')}</defs>`];
  ladder.columns.forEach((name, c) => {
    parts.push(
      `<text class="column" x="${x(c)}" y="18">${escapeXml(name)}</text>`,
      `<line class="lifeline" x1="${x(c)}" y1="26" x2="${x(c)}" y2="${height - 4}"/>`,
    );
  });
  ladder.rows.forEach((row, r) => {
    const y = LADDER.top + r * LADDER.row + LADDER.row / 2;
    const rules = cited.get(row.journey);
    // A nested group, so the journey's own class stays as the other reports' tests read it.
    parts.push(
      `<g class="journey ${row.end}">${rules ? `<g class="cited"><title>${escapeXml(`cited by ${rules.join(', ')}`)}</title>` : ''}<text class="label" x="6" y="${y + 4}">${row.journey} ${escapeXml(row.label)}</text>`,
    );
    row.stops.forEach((stop, i) => {
      const next = row.stops[i + 1];
      if (next) {
        const dir = Math.sign(x(next.column) - x(stop.column));
        parts.push(
          `<line class="arrow" x1="${x(stop.column)}" y1="${y}" x2="${x(next.column) - dir * 4}" y2="${y}" marker-end="url(#${rules ? 'head-cited' : 'head'})"/>`,
        );
      }
      if (stop.rewrote)
        parts.push(`<circle class="rewrite" cx="${x(stop.column)}" cy="${y}" r="5"/>`);
    });
    const last = row.stops.at(-1);
    if (last && row.end === 'dropped')
      parts.push(`<text class="drop" x="${x(last.column)}" y="${y + 5}">✗</text>`);
    parts.push(rules ? '</g></g>' : '</g>');
  });
  return `<svg class="ladder" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="ladder diagram">${parts.join('')}</svg>`;
}

function marker(id: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>`;
}
