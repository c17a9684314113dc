// bench/baseline-hairpin.sh, the bash figure natlab is benchmarked against: it really builds the lab
// and connects, and it leaves nothing behind, whether it finishes or is stopped halfway.

import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { describeLab, processesMentioning } from '../support/lab.ts';

const SCRIPT = resolve(import.meta.dirname, '../../bench/baseline-hairpin.sh');
const baselineNamespaces = async () =>
  (await readdir('/run/netns').catch(() => [] as string[])).filter((n) => n.startsWith('blh'));

describeLab('bench/baseline-hairpin.sh on the real kernel', () => {
  it('connects from remote and client through the masquerade, then removes everything', async () => {
    const before = await baselineNamespaces();
    const run = await execa(SCRIPT, { reject: false, timeout: 60_000 });
    expect(run.exitCode).toBe(0);
    // Both captures saw the traffic: tcpdump's own counts, client's first.
    const counts = /baseline: (\d+) packets? captured (\d+) packets? captured/.exec(run.stdout);
    expect(Number(counts?.[1])).toBeGreaterThan(0);
    expect(Number(counts?.[2])).toBeGreaterThan(0);
    expect(await baselineNamespaces()).toEqual(before);
    expect(await processesMentioning('baseline-hairpin-')).toEqual([]);
  });

  it('stopped with SIGTERM halfway, it still deletes its namespaces and ends its processes', async () => {
    const before = await baselineNamespaces();
    const child = execa(SCRIPT, { reject: false, timeout: 60_000 });
    const deadline = Date.now() + 20_000;
    while ((await baselineNamespaces()).length === before.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await baselineNamespaces()).length).toBeGreaterThan(before.length);
    child.kill('SIGTERM');
    const run = await child;
    expect(run.exitCode).not.toBe(0);
    expect(await baselineNamespaces()).toEqual(before);
    expect(await processesMentioning('baseline-hairpin-')).toEqual([]);
  });
});
