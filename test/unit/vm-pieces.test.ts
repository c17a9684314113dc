// The pure parts of --kernel: spec parsing, bzImage and ELF headers, module order, the cpio writer,
// the qemu command line.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bzImageRelease, isStaticElf } from '../../src/vm/bzimage.ts';
import { newcArchive } from '../../src/vm/cpio.ts';
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
    expect(() => parseKernelSpec('debian-4.9', '/')).toThrow(/host, debian-6\.1, or a path/);
    expect(() => parseKernelSpec('/b/vmlinuz:', '/')).toThrow(/IMAGE or IMAGE:MODULES_DIR/);
    expect(() => parseKernelSpec('/a:/b:/c', '/')).toThrow(/IMAGE or IMAGE:MODULES_DIR/);
    expect(() => parseKernelSpecs(['host', 'host'], '/')).toThrow(/named twice/);
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
      'console=ttyS0 panic=-1 rdinit=/init natlab.shared=/t/s natlab.probe nokaslr',
    );
    expect(argv[argv.indexOf('-virtfs') + 1]).toBe(
      'local,path=/a,,b,mount_tag=natlab-root,security_model=none,multidevs=remap,readonly=on',
    );
  });
});
