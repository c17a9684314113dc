// The guest's initramfs: static busybox, the two-stage init (guest/*.sh), and the modules needed to
// reach the host's root: virtio PCI, 9p over virtio, overlayfs. Everything else the scenario needs
// (bridge, veth, netfilter) the guest kernel loads on demand from the shared module tree.

import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { NatlabError } from '../errors.ts';
import { isStaticElf } from './bzimage.ts';
import { type CpioEntry, newcArchive } from './cpio.ts';
import { loadOrder, parseModulesDep } from './module-deps.ts';
import type { GuestKernel } from './prepare-kernel.ts';

const BOOT_MODULES = ['virtio_pci', '9pnet_virtio', '9p', 'overlay'] as const;
const BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'];
const GUEST_DIR = new URL('./guest/', import.meta.url).pathname;

export interface Initramfs {
  file: string;
  bytes: number;
}

export async function buildInitramfs(
  kernel: GuestKernel,
  busybox: StaticBusybox,
  file: string,
): Promise<Initramfs> {
  const modules = await bootModules(kernel, busybox.path);
  const text = (s: string) => new TextEncoder().encode(s);
  const entries: CpioEntry[] = [
    { path: 'bin', type: 'dir', mode: 0o755 },
    { path: 'dev', type: 'dir', mode: 0o755 },
    { path: 'dev/console', type: 'chardev', mode: 0o600, major: 5, minor: 1 },
    { path: 'modules', type: 'dir', mode: 0o755 },
    { path: 'bin/busybox', type: 'file', mode: 0o755, data: busybox.bytes },
    { path: 'init', type: 'file', mode: 0o755, data: await readFile(join(GUEST_DIR, 'init.sh')) },
    {
      path: 'stage2.sh',
      type: 'file',
      mode: 0o644,
      data: await readFile(join(GUEST_DIR, 'stage2.sh')),
    },
    ...modules.map(
      (m): CpioEntry => ({ path: `modules/${m.name}`, type: 'file', mode: 0o644, data: m.data }),
    ),
    {
      path: 'modules/order',
      type: 'file',
      mode: 0o644,
      data: text(modules.map((m) => `${m.name}\n`).join('')),
    },
  ];
  const archive = gzipSync(newcArchive(entries), { level: 6 });
  await writeFile(file, archive);
  return { file, bytes: archive.length };
}

export interface StaticBusybox {
  path: string;
  bytes: Uint8Array;
}

export async function findStaticBusybox(): Promise<StaticBusybox | undefined> {
  for (const path of BUSYBOX_PATHS) {
    const bytes = await readFile(path).catch(() => undefined);
    if (bytes && isStaticElf(bytes)) return { path, bytes };
  }
  return undefined;
}

export async function staticBusybox(): Promise<StaticBusybox> {
  const busybox = await findStaticBusybox();
  if (busybox) return busybox;
  throw new NatlabError(
    `a guest kernel needs a statically linked busybox (Debian's busybox-static), found none at ${BUSYBOX_PATHS.join(', ')}`,
    { code: 'MISSING_TOOL', stage: 'vm' },
  );
}

async function bootModules(
  kernel: GuestKernel,
  busybox: string,
): Promise<{ name: string; data: Uint8Array }[]> {
  const dep = parseModulesDep(await readFile(join(kernel.modulesDir, 'modules.dep'), 'utf8'));
  const { paths, notModules } = loadOrder(dep, BOOT_MODULES);
  const builtin = await readFile(join(kernel.modulesDir, 'modules.builtin'), 'utf8').catch(
    () => '',
  );
  const absent = notModules.filter((m) => !builtin.includes(`/${m}.ko`));
  if (absent.length > 0) {
    throw new NatlabError(
      `kernel ${kernel.release} has neither a module nor a built-in for ${absent.join(', ')}: the guest needs virtio PCI, 9p over virtio and overlayfs to boot`,
      { code: 'BAD_INPUT', stage: 'vm' },
    );
  }
  return Promise.all(
    paths.map(async (path) => ({
      name: basename(path).replace(/\.(gz|xz)$/, ''),
      data: await moduleBytes(join(kernel.modulesDir, path), busybox),
    })),
  );
}

/**
 * busybox insmod takes plain .ko files: gzip ones (kernels built so) and xz ones (Debian's 6.12)
 * are unpacked here, the xz ones by the same static busybox; zstd is refused.
 */
async function moduleBytes(path: string, busybox: string): Promise<Uint8Array> {
  if (path.endsWith('.ko')) return readFile(path);
  if (path.endsWith('.ko.gz')) return gunzipSync(await readFile(path));
  if (path.endsWith('.ko.xz')) {
    const unxz = await execa(busybox, ['unxz', '-c', path], {
      encoding: 'buffer',
      timeout: 30_000,
      reject: false,
    });
    if (unxz.failed) {
      throw new NatlabError(`failed to unpack the module ${path} (busybox unxz)`, {
        code: 'COMMAND_FAILED',
        stage: 'vm',
        command: [busybox, 'unxz', '-c', path],
        stderr: new TextDecoder().decode(unxz.stderr),
      });
    }
    return unxz.stdout;
  }
  throw new NatlabError(
    `${path}: natlab packs only plain, gzip- or xz-compressed modules into the guest's initramfs`,
    { code: 'BAD_INPUT', stage: 'vm' },
  );
}
