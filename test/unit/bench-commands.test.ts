// The bench's comparison arithmetic and the command it puts under test.

import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interleaved, median, natlabCommand } from '../../scripts/bench-commands.ts';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('interleaved', () => {
  it('runs one untimed warm-up of each, then A B A B, and takes the median of the pairwise ratios', async () => {
    const order: string[] = [];
    const a = [1, 2, 4];
    const b = [3, 2, 20];
    const result = await interleaved(
      3,
      async (i) => {
        order.push(`A${i}`);
        return a[i] ?? 0;
      },
      async (i) => {
        order.push(`B${i}`);
        return b[i] ?? 0;
      },
      (x, y) => y / x,
    );
    expect(order).toEqual(['A-1', 'B-1', 'A0', 'B0', 'A1', 'B1', 'A2', 'B2']);
    expect(result.ratios).toEqual([3, 1, 5]);
    expect(result.medianRatio).toBe(3);
    expect(result.a).toEqual(a);
  });
});

describe('natlabCommand', () => {
  it('runs the package bin with node, in the bin syntax', () => {
    const root = resolve(import.meta.dirname, '../..');
    expect(natlabCommand(['run', 'hairpin-broken', '--json'])).toEqual({
      argv: [
        process.execPath,
        resolve(root, 'dist/cli/natlab.js'),
        'run',
        'hairpin-broken',
        '--json',
      ],
      label: 'natlab run hairpin-broken --json',
    });
  });
});
