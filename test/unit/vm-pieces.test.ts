// The pure parts of --kernel: spec parsing, bzImage and ELF headers, module order, the cpio writer,
// the qemu command line.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bzImagePayload, bzImageRelease, hasPvhEntry, isStaticElf } from '../../src/vm/bzimage.ts';
import { newcArchive } from '../../src/vm/cpio.ts';
import { guestEntry } from '../../src/vm/guest-entry.ts';
import { modulesFor } from '../../src/vm/guest-job.ts';
import { parseKernelSpec, parseKernelSpecs } from '../../src/vm/kernel-spec.ts';
import { loadOrder, moduleName, parseModulesDep } from '../../src/vm/module-deps.ts';
import { guestCommandLine, qemuArgv } from '../../src/vm/qemu-argv.ts';

describe('kernel specs', () => {
  it('knows host, the named Debian kernel, and image paths with an optional module dir', () => {
    expect(parseKernelSpec('host', '/x')).toEqual({ kind: 'host', label: 'host' });
    expect(parseKernelSpec('debian-6.1', '/x')).toMatchObject({
      kind: 'debian',
      metapackage: 'linux-image-amd64',
      series: '6.1.',
    });
    expect(parseKernelSpec('debian-6.12', '/x')).toEqual({
      kind: 'debian',
      label: 'debian-6.12',
      metapackage: 'linux-image-6.12-amd64',
      series: '6.12.',
    });
    expect(parseKernelSpec('k/vmlinuz-6.1', '/x')).toEqual({
      kind: 'path',
      label: 'vmlinuz-6.1',
      image: '/x/k/vmlinuz-6.1',
      modulesDir: undefined,
    });
    expect(parseKernelSpec('/b/vmlinuz:/m/6.1.0', '/x')).toMatchObject({
      image: '/b/vmlinuz',
      modulesDir: '/m/6.1.0',
    });
  });

  it('refuses unknown names, empty parts and repeats, and defaults to host', () => {
    expect(() => parseKernelSpec('debian-4.9', '/')).toThrow(
      /host, debian-6\.1, debian-6\.12, or a path/,
    );
    // Close to a name but neither a name nor a path.
    expect(() => parseKernelSpec('debian-6.12.1', '/')).toThrow(/not "debian-6\.12\.1"/);
    expect(() => parseKernelSpec('6.12', '/')).toThrow(/BAD_INPUT|--kernel must be/);
    expect(() => parseKernelSpec('/b/vmlinuz:', '/')).toThrow(/IMAGE or IMAGE:MODULES_DIR/);
    expect(() => parseKernelSpec('/a:/b:/c', '/')).toThrow(/IMAGE or IMAGE:MODULES_DIR/);
    expect(() => parseKernelSpecs(['host', 'host'], '/')).toThrow(/named twice/);
    expect(() => parseKernelSpecs(['debian-6.12', 'debian-6.12'], '/')).toThrow(
      /debian-6\.12 is named twice/,
    );
    expect(parseKernelSpecs(['debian-6.1', 'debian-6.12'], '/').map((s) => s.label)).toEqual([
      'debian-6.1',
      'debian-6.12',
    ]);
    expect(parseKernelSpecs(undefined, '/')).toEqual([{ kind: 'host', label: 'host' }]);
  });
});

describe('binary headers', () => {
  it('reads the release from a bzImage setup header', () => {
    const image = new Uint8Array(0x1000);
    image.set(new TextEncoder().encode('HdrS'), 0x202);
    new DataView(image.buffer).setUint16(0x20e, 0x300, true);
    image.set(
      new TextEncoder().encode('6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1\0'),
      0x500,
    );
    expect(bzImageRelease(image)).toBe('6.1.0-56-amd64');
    image[0x202] = 0;
    expect(bzImageRelease(image)).toBeUndefined();
    expect(bzImageRelease(new Uint8Array(16))).toBeUndefined();
  });

  it('finds the compressed kernel in a bzImage, with the size appended to xz and zstd', () => {
    // setup_sects 3: protected-mode code at 0x800; payload at 0x100 past it, 16 bytes long.
    const image = (payload: Uint8Array) => {
      const file = new Uint8Array(0x1000);
      file.set(new TextEncoder().encode('HdrS'), 0x202);
      file.set(new TextEncoder().encode('6.12.1 #1\0'), 0x300);
      const view = new DataView(file.buffer);
      view.setUint16(0x20e, 0x100, true);
      file[0x1f1] = 3;
      view.setUint32(0x248, 0x100, true);
      view.setUint32(0x24c, payload.length, true);
      file.set(payload, 0x900);
      return file;
    };
    const xz = new Uint8Array([
      0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 9, 9, 9, 9, 9, 9, 0x10, 0x27, 0, 0,
    ]);
    expect(bzImagePayload(image(xz))).toEqual({
      format: 'xz',
      data: xz.subarray(0, 12),
      size: 10_000,
    });
    const zstd = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4, 0, 0, 0, 1]);
    expect(bzImagePayload(image(zstd))).toMatchObject({ format: 'zstd', size: 0x1000000 });
    const gzip = new Uint8Array(gzipSync('kernel'));
    expect(bzImagePayload(image(gzip))).toEqual({ format: 'gzip', data: gzip });
    expect(bzImagePayload(image(new Uint8Array(12).fill(7)))?.format).toBe('other');
    // A length past the end of the file, and no setup header at all.
    const broken = image(xz);
    new DataView(broken.buffer).setUint32(0x24c, 0x10000, true);
    expect(bzImagePayload(broken)).toBeUndefined();
    expect(bzImagePayload(new Uint8Array(0x1000))).toBeUndefined();
  });

  it('finds the PVH entry note (Xen, type 18) that lets qemu boot an ELF kernel directly', () => {
    const kernel = (name: string, type: number) => {
      const file = new Uint8Array(0x200);
      file.set([0x7f, 0x45, 0x4c, 0x46, 2, 1], 0);
      const view = new DataView(file.buffer);
      view.setBigUint64(0x20, 0x40n, true);
      view.setUint16(0x36, 0x38, true);
      view.setUint16(0x38, 1, true);
      view.setUint32(0x40, 4, true); // PT_NOTE
      view.setBigUint64(0x48, 0x100n, true); // p_offset
      view.setBigUint64(0x60, 0x30n, true); // p_filesz
      // A first note of another type, then the one asked for.
      view.setUint32(0x100, 4, true);
      view.setUint32(0x104, 4, true);
      view.setUint32(0x108, 6, true);
      file.set(new TextEncoder().encode('Xen\0linu'), 0x10c);
      view.setUint32(0x114, name.length + 1, true);
      view.setUint32(0x118, 4, true);
      view.setUint32(0x11c, type, true);
      file.set(new TextEncoder().encode(`${name}\0`), 0x120);
      return file;
    };
    expect(hasPvhEntry(kernel('Xen', 18))).toBe(true);
    expect(hasPvhEntry(kernel('Xen', 17))).toBe(false);
    expect(hasPvhEntry(kernel('GNU', 18))).toBe(false);
    expect(hasPvhEntry(new TextEncoder().encode('#!/bin/sh\n'))).toBe(false);
  });

  it('tells a static ELF (no PT_INTERP) from a dynamic one', () => {
    const elf = (interp: boolean) => {
      const file = new Uint8Array(0x100);
      file.set([0x7f, 0x45, 0x4c, 0x46, 2, 1], 0);
      const view = new DataView(file.buffer);
      view.setBigUint64(0x20, 0x40n, true);
      view.setUint16(0x36, 0x38, true);
      view.setUint16(0x38, 2, true);
      view.setUint32(0x40, 1, true); // PT_LOAD
      view.setUint32(0x78, interp ? 3 : 1, true);
      return file;
    };
    expect(isStaticElf(elf(false))).toBe(true);
    expect(isStaticElf(elf(true))).toBe(false);
    expect(isStaticElf(new TextEncoder().encode('#!/bin/sh\n'))).toBe(false);
    // node itself is dynamically linked on every Debian build.
    expect(isStaticElf(readFileSync(process.execPath))).toBe(false);
  });
});

describe('module load order', () => {
  const dep = parseModulesDep(
    [
      'kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko',
      'kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko',
      'kernel/fs/netfs/netfs.ko:',
      'kernel/net/9p/9pnet.ko:',
      'kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko',
      'kernel/net/bridge/br_netfilter.ko.xz: kernel/net/bridge/bridge.ko.xz',
      '',
    ].join('\n'),
  );

  it('puts every dependency before its users, each once', () => {
    const { paths, notModules } = loadOrder(dep, ['9pnet_virtio', '9p']);
    expect(paths).toEqual([
      'kernel/net/9p/9pnet.ko',
      'kernel/net/9p/9pnet_virtio.ko',
      'kernel/fs/netfs/netfs.ko',
      'kernel/fs/fscache/fscache.ko',
      'kernel/fs/9p/9p.ko',
    ]);
    expect(notModules).toEqual([]);
  });

  it('names modules the way the kernel does, and reports what modules.dep lacks', () => {
    expect(moduleName('kernel/net/bridge/br_netfilter.ko.xz')).toBe('br_netfilter');
    expect(moduleName('a/virtio-pci.ko')).toBe('virtio_pci');
    expect(loadOrder(dep, ['overlay', 'br_netfilter'])).toEqual({
      paths: ['kernel/net/bridge/br_netfilter.ko.xz'],
      notModules: ['overlay', 'bridge'],
    });
  });

  it('loads br_netfilter in the guest only for scenarios that need it', () => {
    expect(modulesFor(['br-netfilter', 'ebtables-broute'])).toEqual(['br_netfilter']);
    expect(modulesFor(['iptables'])).toEqual([]);
  });
});

describe('newc cpio', () => {
  it('writes headers, names and data padded to four bytes, and the trailer', () => {
    const archive = newcArchive([
      { path: '/init', type: 'file', mode: 0o755, data: new TextEncoder().encode('hi\n') },
      { path: 'dev/console', type: 'chardev', mode: 0o600, major: 5, minor: 1 },
    ]);
    const text = archive.toString('latin1');
    // 110-byte header: magic, then ino, mode, uid, gid, nlink, mtime, size, dev, rdev, namesize, check.
    expect(text.slice(0, 110)).toBe(
      `070701${['1', '81ed', '0', '0', '1', '0', '3', '0', '0', '0', '0', '5', '0'].map((f) => f.padStart(8, '0')).join('')}`,
    );
    expect(text.slice(110, 116)).toBe('init\0\0'); // name, then padding to 116
    expect(text.slice(116, 120)).toBe('hi\n\0');
    const console = text.slice(120, 230);
    expect(console.slice(14, 22)).toBe('00002180'); // S_IFCHR | 0600
    expect(console.slice(78, 94)).toBe('0000000500000001'); // rdev 5:1
    expect(text).toContain('TRAILER!!!');
    expect(archive.length % 4).toBe(0);
  });
});

describe('qemu command line', () => {
  it('has no network or disk, a console on stdio, 9p shares with doubled commas', () => {
    const argv = qemuArgv({
      accel: 'tcg',
      image: '/k/vmlinuz',
      initramfs: '/t/i.gz',
      append: guestCommandLine({ shared: '/t/s', probe: true }, ['nokaslr']),
      shares: [{ tag: 'natlab-root', path: '/a,b', readonly: true }],
      memoryMb: 2048,
      cpus: 2,
    });
    expect(argv).toContain('-nodefaults');
    expect(argv).not.toContain('-netdev');
    expect(argv[argv.indexOf('-cpu') + 1]).toBe('max');
    expect(argv[argv.indexOf('-append') + 1]).toBe(
      'console=ttyS0 panic=-1 rdinit=/init no_timer_check natlab.shared=/t/s natlab.probe nokaslr',
    );
    expect(argv[argv.indexOf('-virtfs') + 1]).toBe(
      'local,path=/a,,b,mount_tag=natlab-root,security_model=none,multidevs=remap,readonly=on',
    );
  });
});

describe('guest entry', () => {
  it("runs dist's JavaScript when the host does, or when dist is as new as every source", async () => {
    expect(await guestEntry('file:///r/dist/vm/run-in-vm.js')).toBe('/r/dist/cli/guest-run.js');
    const root = mkdtempSync(join(tmpdir(), 'natlab-entry-'));
    try {
      const from = pathToFileURL(join(root, 'src/vm/run-in-vm.ts')).href;
      mkdirSync(join(root, 'src/vm'), { recursive: true });
      writeFileSync(join(root, 'src/vm/run-in-vm.ts'), '');
      expect(await guestEntry(from)).toBe(join(root, 'src/cli/guest-run.ts'));
      mkdirSync(join(root, 'dist'));
      writeFileSync(join(root, 'dist/.built'), '');
      const old = new Date(Date.now() - 60_000);
      utimesSync(join(root, 'src/vm/run-in-vm.ts'), old, old);
      expect(await guestEntry(from)).toBe(join(root, 'dist/cli/guest-run.js'));
      // A source edited after the build: dist is stale, the guest loads the TypeScript.
      writeFileSync(join(root, 'tsconfig.json'), '{}');
      utimesSync(join(root, 'dist/.built'), old, old);
      utimesSync(join(root, 'src/vm/run-in-vm.ts'), new Date(), new Date());
      expect(await guestEntry(from)).toBe(join(root, 'src/cli/guest-run.ts'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
