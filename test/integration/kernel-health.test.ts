// The kernel-health mark costs one seek: what the kernel logs after it is read, what came before is not.

import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { kernelLogSince, markKernelHealth } from '../../src/kernel-state/kernel-health.ts';
import { TeardownStack } from '../../src/system/teardown-stack.ts';
import { describeLab } from '../support/lab.ts';

/** Appends a plain record to the kernel log (no splat: other runs of the suite judge that log). */
async function logLine(text: string): Promise<void> {
  const kmsg = await open('/dev/kmsg', 'w');
  try {
    await kmsg.write(`natlab test record: ${text}\n`);
  } finally {
    await kmsg.close();
  }
}

describeLab('kernel health', () => {
  describe('the kernel log since a mark', () => {
    it('holds the records written after the mark and none from before it', async () => {
      const tag = randomBytes(4).toString('hex');
      await logLine(`before ${tag}`);
      const teardown = new TeardownStack();
      try {
        const mark = await markKernelHealth({ teardown });
        expect(mark.log).toBeDefined();
        await logLine(`after ${tag}`);
        const log = await kernelLogSince(mark);
        if ('problem' in log) throw new Error(log.problem);
        const ours = log.records.map((r) => r.text).filter((t) => t.includes(tag));
        expect(ours).toHaveLength(1);
        expect(ours[0]).toMatch(new RegExp(`natlab test record: after ${tag}$`));
      } finally {
        expect(await teardown.unwind()).toEqual([]);
      }
    });
  });
});
