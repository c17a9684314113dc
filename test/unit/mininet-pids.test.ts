// Before natlab names a Mininet node's namespace after the pid the driver reported, the pid must be
// in a namespace of its own: never natlab's, never the driver's, never another node's.

import { describe, expect, it } from 'vitest';
import { checkNodeNamespaces } from '../../src/backend/mininet/build-mininet.ts';

describe('checkNodeNamespaces', () => {
  it("refuses a node pid in natlab's own network namespace", async () => {
    await expect(checkNodeNamespaces({ h1: process.pid }, 4_194_305)).rejects.toThrow(
      /node h1 pid \d+, whose network namespace is natlab itself's/,
    );
  });

  it('refuses a pid that is no process', async () => {
    await expect(checkNodeNamespaces({ h1: 4_194_305 }, 4_194_305)).rejects.toThrow(
      /whose network namespace is no process's/,
    );
  });
});
