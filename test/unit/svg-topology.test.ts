// The topology's labels, read back from the SVG it emits: on every recorded lab, no label box
// intersects another or a node, and no link line crosses one.

import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  type Box,
  boxesIntersect,
  type Segment,
  segmentCrossesBox,
} from '../../src/report/label-layout.ts';
import { topologySvg } from '../../src/report/svg-topology.ts';
import { renderFixtureResult } from '../support/fixture-result.ts';

const FIXTURES = await readdir('test/fixtures/captures');

const numbers = (tag: string, names: string[]) =>
  names.map((name) => Number(new RegExp(`\\b${name}="([-\\d.]+)"`).exec(tag)?.[1]));

function rects(svg: string, pattern: RegExp): Box[] {
  return [...svg.matchAll(pattern)].map(([tag]) => {
    const [x = 0, y = 0, width = 0, height = 0] = numbers(tag, ['x', 'y', 'width', 'height']);
    return { x, y, width, height };
  });
}

function lines(svg: string): Segment[] {
  return [...svg.matchAll(/<g class="link">.*?<line [^>]*>/g)].map(([tag]) => {
    const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = numbers(tag.slice(tag.indexOf('<line')), [
      'x1',
      'y1',
      'x2',
      'y2',
    ]);
    return { x1, y1, x2, y2 };
  });
}

describe('topologySvg labels', () => {
  it.each(FIXTURES)('%s: no two label boxes intersect, nor a node or a link', async (name) => {
    const result = await renderFixtureResult(name);
    const svg = topologySvg(result.topology, result.captures, result.probes[0]?.from ?? '');
    const labels = rects(svg, /<rect class="label-box"[^>]*>/g);
    const nodes = rects(svg, /<g class="node [a-z]+"><rect [^>]*>/g);
    // Two ends and a packet count per link.
    expect(labels).toHaveLength(3 * result.topology.links.length);
    expect(nodes).toHaveLength(result.topology.nodes.length);
    expect(lines(svg)).toHaveLength(result.topology.links.length);
    for (const [i, a] of labels.entries()) {
      for (const b of labels.slice(i + 1)) expect(boxesIntersect(a, b), `${name}`).toBe(false);
      for (const node of nodes) expect(boxesIntersect(a, node)).toBe(false);
      for (const line of lines(svg)) expect(segmentCrossesBox(line, a)).toBe(false);
    }
  });

  it('names each link end by interface and address', async () => {
    const result = await renderFixtureResult('hairpin-broken');
    const svg = topologySvg(result.topology, result.captures, 'remote');
    expect(svg).toMatch(/<tspan[^>]*>wan0<\/tspan><tspan[^>]*>203\.0\.113\.1\/24<\/tspan>/);
    expect(svg).toMatch(/<tspan[^>]*>eth0<\/tspan><tspan[^>]*>192\.168\.1\.10\/24<\/tspan>/);
  });
});

describe('label geometry', () => {
  const box = { x: 10, y: 10, width: 20, height: 10 };
  it('tells crossing from passing by', () => {
    expect(segmentCrossesBox({ x1: 0, y1: 15, x2: 40, y2: 15 }, box)).toBe(true);
    expect(segmentCrossesBox({ x1: 0, y1: 25, x2: 40, y2: 25 }, box)).toBe(false);
    expect(segmentCrossesBox({ x1: 0, y1: 0, x2: 9, y2: 9 }, box)).toBe(false);
    expect(segmentCrossesBox({ x1: 20, y1: 0, x2: 20, y2: 5 }, box)).toBe(false);
    expect(boxesIntersect(box, { x: 30, y: 10, width: 5, height: 5 })).toBe(false);
    expect(boxesIntersect(box, { x: 29, y: 19, width: 5, height: 5 })).toBe(true);
  });
});
