// The guest kernel uncompressed, once per image. Under TCG a bzImage's own decompressor (xz for
// Debian's 6.1) costs about half the boot's emulated CPU; the host does it in about a second, and
// qemu boots the ELF through its PVH entry. Kept in the cache under the image's hash; anything that
// cannot be unpacked boots as the bzImage it is.

import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { bzImagePayload, hasPvhEntry } from './bzimage.ts';
import { cacheDir } from './kernel-cache.ts';

export interface BootImage {
  /** What qemu's -kernel gets. */
  file: string;
  /** Why it is the bzImage itself, when it is. */
  fallback?: string;
  /** This call unpacked it (else it was cached, or not unpacked). */
  unpacked: boolean;
}

export async function bootImage(image: string, signal?: AbortSignal): Promise<BootImage> {
  const bytes = await readFile(image);
  const key = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  const dir = join(cacheDir(), 'vmlinux');
  const file = join(dir, `${key}.elf`);
  if (
    await access(file).then(
      () => true,
      () => false,
    )
  )
    return { file, unpacked: false };
  const asIs = (fallback: string): BootImage => ({ file: image, fallback, unpacked: false });
  const payload = bzImagePayload(bytes);
  if (!payload) return asIs('no compressed kernel found in its bzImage header');
  const unpack = async (argv: string[]) => {
    const [cmd = '', ...args] = argv;
    const out = await execa(cmd, args, {
      input: payload.data,
      encoding: 'buffer',
      timeout: 120_000,
      cancelSignal: signal,
      reject: false,
    });
    return out.failed ? undefined : out.stdout;
  };
  let elf: Uint8Array | undefined;
  if (payload.format === 'gzip') elf = gunzipSync(payload.data);
  // xz-utils, not busybox: busybox's unxz has no x86 BCJ filter, which the kernel's xz uses.
  else if (payload.format === 'xz') elf = await unpack(['xz', '-dcq']);
  else if (payload.format === 'zstd') elf = await unpack(['zstd', '-dcq']);
  signal?.throwIfAborted();
  if (!elf) return asIs(`could not unpack its ${payload.format} kernel`);
  if (payload.size !== undefined && elf.length !== payload.size) {
    return asIs(
      `its ${payload.format} kernel unpacked to ${elf.length} bytes, not ${payload.size}`,
    );
  }
  if (!hasPvhEntry(elf)) return asIs('the kernel has no PVH entry (CONFIG_PVH)');
  await mkdir(dir, { recursive: true });
  // Written aside and renamed: a concurrent run sees the whole file or none.
  const partial = `${file}.partial-${process.pid}`;
  await writeFile(partial, elf);
  await rename(partial, file);
  return { file, unpacked: true };
}
