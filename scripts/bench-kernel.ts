// The cost of `--kernel debian-6.1` through the natlab bin, cold (empty cache: download, unpack,
// depmod, kernel unpacked for a direct boot, KVM probe) and warm (the same again), split into its
// parts from the run's own JSON, next to the host's run. qemu's CPU time is given with the wall time:
// on a shared machine it is the figure that does not move with the load.

import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { KernelsResult } from '../src/report/kernel-comparison.ts';
import { natlabCommand } from './bench-commands.ts';

const SCENARIO = 'hairpin-broken';

export async function kernelBenchmark(root: string, out: string): Promise<void> {
  const cache = await mkdtemp(join(out, 'cache-'));
  const command = (kernel: string, label: string) => {
    const args = ['run', SCENARIO, '--kernel', kernel, '--json', '--out', join(out, label)];
    const [file = '', ...rest] = natlabCommand(args).argv;
    // A fresh cache, so the first guest run pays everything a first-time user pays.
    return execa(file, rest, {
      cwd: root,
      env: { NATLAB_CACHE: cache },
      timeout: 900_000,
      reject: false,
    });
  };
  const run = async (label: string) => {
    const t0 = performance.now();
    const child = await command('debian-6.1', label);
    const seconds = (performance.now() - t0) / 1000;
    const [k] = (JSON.parse(String(child.stdout)) as KernelsResult).kernels;
    if (!k || child.exitCode !== 0)
      throw new Error(`${label}: exit ${child.exitCode}, ${k?.reason}`);
    return { seconds, costs: k.costs ?? {}, ranOn: k.ranOn };
  };
  try {
    console.log(`\n${SCENARIO} on another kernel (--kernel debian-6.1), one run each:`);
    const cold = await run('cold');
    const warm = await run('warm');
    const t0 = performance.now();
    await command('host', 'host');
    const host = (performance.now() - t0) / 1000;
    const s = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)} s`.padStart(7);
    const rows: [string, keyof typeof cold.costs | 'whole'][] = [
      ['download + unpack + depmod', 'fetchMs'],
      ['initramfs build', 'initramfsMs'],
      ['kernel unpacked (PVH boot)', 'unpackKernelMs'],
      ['KVM probe boot', 'accelProbeMs'],
      ['qemu start to guest init', 'bootMs'],
      ['  qemu CPU time to init', 'bootCpuMs'],
      ['qemu start to power-off', 'guestMs'],
      ['  qemu CPU time in all', 'guestCpuMs'],
      ['  of which the scenario', 'scenarioMs'],
      ['whole command', 'whole'],
    ];
    console.log(`${''.padEnd(30)}   cold     warm   (ran on ${cold.ranOn})`);
    for (const [name, key] of rows) {
      const cell = (r: typeof cold) => s(key === 'whole' ? r.seconds * 1000 : r.costs[key]);
      console.log(`  ${name.padEnd(28)}${cell(cold)}  ${cell(warm)}`);
    }
    console.log(
      `  downloaded ${Math.round((cold.costs.fetchedBytes ?? 0) / 1e6)} MB; initramfs ${Math.round((cold.costs.initramfsBytes ?? 0) / 1e3)} kB`,
    );
    console.log(
      `  the same scenario on the host kernel: ${host.toFixed(1)} s; the warm guest run takes ${(warm.seconds / host).toFixed(0)}× that`,
    );
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}
