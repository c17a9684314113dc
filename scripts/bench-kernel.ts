// The cost of `--kernel debian-6.1`, cold (empty cache: download, unpack, depmod, KVM probe) and
// warm (the same again), split into its parts from the run's own JSON, next to the host's run.

import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { KernelsResult } from '../src/report/kernel-comparison.ts';

const SCENARIO = 'hairpin-broken';

export async function kernelBenchmark(root: string, out: string): Promise<void> {
  const cache = await mkdtemp(join(out, 'cache-'));
  const run = async (kernel: string, label: string) => {
    const t0 = performance.now();
    const child = await execa(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        SCENARIO,
        '--kernel',
        kernel,
        '--json',
        '--out',
        join(out, label),
      ],
      // A fresh cache, so the first guest run pays everything a first-time user pays.
      { cwd: root, env: { NATLAB_CACHE: cache }, timeout: 900_000, reject: false },
    );
    const seconds = (performance.now() - t0) / 1000;
    const result = JSON.parse(String(child.stdout)) as KernelsResult;
    const [k] = result.kernels;
    if (!k || child.exitCode !== 0)
      throw new Error(`${label}: exit ${child.exitCode}, ${k?.reason}`);
    return { seconds, costs: k.costs ?? {}, ranOn: k.ranOn };
  };
  try {
    console.log(`\n${SCENARIO} on another kernel (--kernel debian-6.1), one run each:`);
    const cold = await run('debian-6.1', 'cold');
    const warm = await run('debian-6.1', 'warm');
    // Two kernels so the run takes the same path; only the host's part is timed here.
    const host = await run('host', 'host').catch(() => undefined);
    const s = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)} s`.padStart(8);
    const rows: [string, (c: Record<string, number>) => string][] = [
      [
        'download + unpack + depmod',
        (c) => `${s(c.fetchMs)}  (${Math.round((c.fetchedBytes ?? 0) / 1e6)} MB)`,
      ],
      [
        'initramfs build',
        (c) => `${s(c.initramfsMs)}  (${Math.round((c.initramfsBytes ?? 0) / 1e3)} kB)`,
      ],
      ['KVM probe boot', (c) => s(c.accelProbeMs)],
      ['qemu start to guest init', (c) => s(c.bootMs)],
      ['qemu start to power-off', (c) => s(c.guestMs)],
      ['  of which the scenario', (c) => s(c.scenarioMs)],
    ];
    console.log(`                              cold        warm      (ran on ${cold.ranOn})`);
    for (const [name, cell] of rows) {
      console.log(`  ${name.padEnd(28)}${cell(cold.costs).padEnd(12)}${cell(warm.costs)}`);
    }
    console.log(
      `  ${'whole command'.padEnd(28)}${s(cold.seconds * 1000).padEnd(12)}${s(warm.seconds * 1000)}`,
    );
    if (host) {
      console.log(
        `  the same scenario on the host kernel: ${host.seconds.toFixed(1)} s; warm guest run ${(warm.seconds / host.seconds).toFixed(0)}× that`,
      );
    }
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}
