// --kernel: scenarios on Debian's 6.1 and 6.12 kernels in a qemu guest, next to the host's. Slow
// (each boot costs seconds of emulated CPU, node seconds more), so the acceptance scenarios share
// one boot, 6.12 runs one scenario, and the failure cases use a short bound. Needs qemu,
// busybox-static and Debian's apt sources.

import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { expect } from 'vitest';
import { probeCapabilities } from '../../src/preflight/probe-capabilities.ts';
import { newRunId } from '../../src/run/run-scenario.ts';
import { findStaticBusybox } from '../../src/vm/build-initramfs.ts';
import { parseKernelSpec } from '../../src/vm/kernel-spec.ts';
import { prepareKernel } from '../../src/vm/prepare-kernel.ts';
import {
  describeLab,
  hostHasBroute,
  itUnless,
  missingTools,
  natlabCli,
  processesMentioning,
  runCliWithout,
} from '../support/lab.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SLOW = 600_000;
const itVm = itUnless(
  (await missingTools(['qemu-system-x86_64', 'depmod'], '--test-tools')) ??
    ((await findStaticBusybox())
      ? undefined
      : 'no static busybox: run scripts/setup.sh --test-tools'),
);

const cli = (args: string[]) => natlabCli(args, { timeout: SLOW });

/** The Debian kernel the first test fetched (fetched here if that test did not run). */
async function debianKernel() {
  const spec = parseKernelSpec('debian-6.1', ROOT);
  if (spec.kind !== 'debian') throw new Error('debian-6.1 is not a Debian kernel spec');
  return prepareKernel(spec, { say: () => undefined });
}

/** No qemu, and no temporary VM directory, outlives a run. */
async function expectNothingLeft() {
  expect(await processesMentioning('natlab-vm-')).toEqual([]);
  const left = (await readdir(tmpdir())).filter((f) => f.startsWith('natlab-vm-'));
  expect(left).toEqual([]);
}

describeLab('--kernel: the same scenario on another kernel, in a VM', () => {
  itVm(
    'broute is skipped where missing and connects both clients on debian-6.1; bridge-nat-bug and hairpin-broken agree on both',
    async () => {
      const out = join(tmpdir(), 'natlab-kernels-acceptance');
      const names = [
        'bridge-nat-broute',
        'bridge-nat-bug',
        'hairpin-broken',
        'vlan-router-on-a-stick',
      ];
      const run = await cli([
        ...names,
        '--kernel',
        'host',
        '--kernel',
        'debian-6.1',
        '--json',
        '--out',
        out,
      ]);
      const result = JSON.parse(String(run.stdout));
      const [broute, bug, hairpin, vlan] = result.scenarios;
      expect(result.scenarios.map((s: { scenario: string }) => s.scenario)).toEqual(names);

      const [host, debian] = broute.kernels;
      expect(debian).toMatchObject({ kernel: 'debian-6.1', verdict: 'pass' });
      expect(debian.release).toMatch(/^6\.1\./);
      expect(debian.ranOn).toMatch(/^qemu (kvm|tcg)$/);
      expect(debian.probes.map((p: { ok: boolean }) => p.ok)).toEqual([true, true]);
      // On a host kernel without broute, a skip naming it; on one with broute, the same pass
      // (judged from the kernel's build options, not from the run's own probe).
      const hasBroute = await hostHasBroute();
      if (hasBroute !== undefined) expect(host.verdict).toBe(hasBroute ? 'pass' : 'skip');
      if (hasBroute === false) expect(host.reason).toMatch(/broute/);

      // 802.1Q: Debian's kernel autoloads 8021q; the host's may lack it, and then the run says so.
      const [hostVlan, debianVlan] = vlan.kernels;
      expect(debianVlan).toMatchObject({ kernel: 'debian-6.1', verdict: 'pass' });
      const [vlanHere] = await probeCapabilities(['vlan'], { runId: newRunId() });
      expect(hostVlan.verdict).toBe(vlanHere?.available ? 'pass' : 'skip');
      if (!vlanHere?.available) expect(hostVlan.reason).toMatch(/802\.1Q/);

      for (const scenario of [bug, hairpin]) {
        const [h, d] = scenario.kernels;
        expect(d.verdict).toBe(h.verdict);
        expect(d.verdict).toBe('pass');
        const failed = (k: { checks: { ok: boolean; name: string }[] }) =>
          k.checks.filter((c) => !c.ok).map((c) => c.name);
        expect(failed(d)).toEqual(failed(h));
      }
      expect(run.exitCode).toBe(0);
      // The guest's pcaps and report came back next to the host's.
      const files = await readdir(join(out, 'hairpin-broken', 'debian-6.1'));
      expect(files).toEqual(
        expect.arrayContaining(['result.json', 'report.html', 'client-eth0.pcap']),
      );
      const console = await readFile(join(out, 'debian-6.1.console.log'), 'utf8');
      expect(console).toMatch(/natlab-guest: booted 6\.1\./);
      await expectNothingLeft();
    },
    SLOW,
  );

  itVm(
    "debian-6.12 from Debian 12's own packages (xz modules, a zstd kernel booted unpacked): broute connects both clients",
    async () => {
      // One scenario, the one whose capabilities set the kernels apart: a boot costs a minute of TCG.
      const out = join(tmpdir(), 'natlab-kernels-6.12');
      const run = await cli([
        'bridge-nat-broute',
        '--kernel',
        'debian-6.12',
        '--json',
        '--out',
        out,
      ]);
      const [k] = JSON.parse(String(run.stdout)).kernels;
      expect(k).toMatchObject({ kernel: 'debian-6.12', verdict: 'pass' });
      expect(k.release).toMatch(/^6\.12\.\d+\+deb12-amd64$/);
      expect(k.probes.map((p: { ok: boolean }) => p.ok)).toEqual([true, true]);
      const broute = k.capabilities.find((c: { name: string }) => c.name === 'ebtables-broute');
      expect(broute?.available).toBe(true);
      // Booted from the unpacked ELF through its PVH entry, not from the bzImage.
      expect(run.stderr).not.toMatch(/booting the bzImage as it is/);
      expect(k.costs.bootCpuMs).toBeGreaterThan(0);
      const console = await readFile(join(out, 'debian-6.12.console.log'), 'utf8');
      expect(console).toMatch(/natlab-guest: booted 6\.12\./);
      expect(run.exitCode).toBe(0);
      await expectNothingLeft();
    },
    SLOW,
  );

  itVm(
    'a guest that hangs is killed at --vm-timeout: exit 2, the console tail, nothing left',
    async () => {
      // busybox sleep as the guest's init: the kernel boots, then nothing ever powers it off.
      // The kernel given as IMAGE:MODULES_DIR (the cached Debian one).
      const kernel = await debianKernel();
      const run = await cli([
        'hairpin-broken',
        '--kernel',
        `${kernel.image}:${kernel.modulesDir}`,
        '--vm-timeout',
        '15',
        '--kernel-append',
        'rdinit=/bin/busybox -- sleep 600',
      ]);
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toMatch(new RegExp(`${basename(kernel.image)} +- +qemu +error`));
      expect(run.stdout).toMatch(/did not power off within 15 s \(hung\?\); killed/);
      expect(run.stderr + run.stdout).not.toMatch(/\n\s+at /);
      await expectNothingLeft();
    },
    SLOW,
  );

  itVm(
    'a guest kernel that panics: exit 2 naming the panic, with the console lines before it',
    async () => {
      // The kernel given by image path alone: its release is read from the bzImage, and its modules
      // are found at ../lib/modules/<release> next to it.
      const kernel = await debianKernel();
      const run = await cli([
        'hairpin-broken',
        '--kernel',
        kernel.image,
        '--json',
        '--kernel-append',
        'rdinit=/nonexistent',
      ]);
      expect(run.exitCode).toBe(2);
      const [report] = JSON.parse(String(run.stdout)).kernels;
      expect(report).toMatchObject({ kernel: basename(kernel.image), verdict: 'error' });
      expect(report.reason).toMatch(/kernel panic: VFS: Unable to mount root fs/);
      expect(report.reason).toMatch(/guest console, last lines:\n[\s\S]*Kernel panic/);
      await expectNothingLeft();
    },
    SLOW,
  );

  itVm(
    'without apt (offline, or no Debian sources), debian-6.1 boots the kernel fetched before',
    async () => {
      await debianKernel();
      // A panic ends the boot quickly: what matters is which kernel was booted.
      const run = await runCliWithout('apt-cache', [
        'hairpin-broken',
        '--kernel',
        'debian-6.1',
        '--json',
        '--kernel-append',
        'rdinit=/nonexistent',
      ]);
      expect(run.stderr).toMatch(/failed to look up linux-image-amd64 .*; using the cached 6\.1\./);
      const [report] = JSON.parse(String(run.stdout)).kernels;
      expect(report.reason).toMatch(/kernel panic: VFS: Unable to mount root fs/);
      expect(run.exitCode).toBe(2);
      await expectNothingLeft();
    },
    SLOW,
  );

  itVm(
    'SIGINT while the guest runs: exit 130, the VM stopped, nothing left',
    async () => {
      const child = cli(['hairpin-broken', '--kernel', 'debian-6.1']);
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error('the guest never booted')), 120_000);
        let seen = '';
        child.stderr?.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes('natlab-guest: booted')) {
            clearTimeout(timer);
            done();
          }
        });
      });
      expect((await processesMentioning('natlab-vm-')).length).toBeGreaterThan(0);
      child.kill('SIGINT');
      const run = await child;
      expect(run.exitCode).toBe(130);
      expect(run.stderr).toMatch(/interrupted; everything this run created was removed/);
      await expectNothingLeft();
    },
    SLOW,
  );
});
