// Where a diagram's text labels go: greedily, each at the first candidate spot whose box crosses no
// node, no line and no label placed before it; what finds no spot is stacked below the drawing.

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Boxes that only touch do not intersect: labels may sit edge to edge. */
export function boxesIntersect(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Liang–Barsky clipping: some part of the segment lies inside the box. */
export function segmentCrossesBox(s: Segment, box: Box): boolean {
  const [dx, dy] = [s.x2 - s.x1, s.y2 - s.y1];
  let [low, high] = [0, 1];
  const edges: [number, number][] = [
    [-dx, s.x1 - box.x],
    [dx, box.x + box.width - s.x1],
    [-dy, s.y1 - box.y],
    [dy, box.y + box.height - s.y1],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q <= 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) low = Math.max(low, t);
    else high = Math.min(high, t);
    if (low >= high) return false;
  }
  return true;
}

export interface LabelRequest {
  width: number;
  height: number;
  /** Where its centre may go, best first. */
  candidates: { x: number; y: number }[];
}

export interface LayoutOptions {
  labels: readonly LabelRequest[];
  /** What no label may cover. */
  obstacles: readonly Box[];
  lines: readonly Segment[];
  /** Labels with no free candidate are stacked from here down. */
  overflowY: number;
}

const PAD = 3;

/** One box per label, in order; none intersects another, an obstacle or a line. */
export function layOutLabels({ labels, obstacles, lines, overflowY }: LayoutOptions): Box[] {
  const placed: Box[] = [];
  let overflow = overflowY;
  const free = (box: Box) =>
    box.x >= 0 &&
    box.y >= 0 &&
    !obstacles.some((o) => boxesIntersect(o, grow(box))) &&
    !placed.some((p) => boxesIntersect(p, grow(box))) &&
    !lines.some((l) => segmentCrossesBox(l, box));
  for (const label of labels) {
    const spot = label.candidates
      .map((c) => ({
        x: c.x - label.width / 2,
        y: c.y - label.height / 2,
        width: label.width,
        height: label.height,
      }))
      .find(free);
    if (spot) {
      placed.push(spot);
      continue;
    }
    placed.push({ x: PAD, y: overflow, width: label.width, height: label.height });
    overflow += label.height + 2 * PAD;
  }
  return placed;
}

function grow(box: Box): Box {
  return {
    x: box.x - PAD,
    y: box.y - PAD,
    width: box.width + 2 * PAD,
    height: box.height + 2 * PAD,
  };
}
