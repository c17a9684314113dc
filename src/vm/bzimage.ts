// x86 bzImage and ELF headers: the release inside a bzImage, its compressed kernel, and whether an
// ELF can be booted directly (PVH) or run without libc.

/** From the setup header: "HdrS" at 0x202, and at 0x20e the offset (less 0x200) of the version text. */
export function bzImageRelease(image: Uint8Array): string | undefined {
  if (image.length < 0x210) return undefined;
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const magic = String.fromCharCode(...image.subarray(0x202, 0x206));
  if (magic !== 'HdrS') return undefined;
  const start = view.getUint16(0x20e, true) + 0x200;
  if (start >= image.length) return undefined;
  let end = start;
  while (end < image.length && end - start < 256 && image[end] !== 0) end++;
  const version = new TextDecoder().decode(image.subarray(start, end));
  return version.split(' ')[0] || undefined;
}

/** True for an ELF executable without an interpreter: it runs in an initramfs with no libc. */
export function isStaticElf(file: Uint8Array): boolean {
  if (file.length < 64 || file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c) return false;
  if (file[4] !== 2 || file[5] !== 1) return false; // 64-bit little-endian only
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (const at of programHeaders(view, 4)) {
    if (at < 0) return false;
    if (view.getUint32(at, true) === 3) return false; // PT_INTERP
  }
  return true;
}

/** The offsets of an ELF64's program headers in turn; -1, and no more, for one past the end. */
function* programHeaders(view: DataView, bytesRead: number): Generator<number> {
  const phoff = Number(view.getBigUint64(0x20, true));
  const phentsize = view.getUint16(0x36, true);
  const phnum = view.getUint16(0x38, true);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + bytesRead > view.byteLength) {
      yield -1;
      return;
    }
    yield at;
  }
}

export type PayloadFormat = 'gzip' | 'xz' | 'zstd' | 'other';

/**
 * The compressed kernel inside a bzImage (setup header: payload_offset at 0x248, payload_length at
 * 0x24c, from the protected-mode code), with the uncompressed size the build appends to xz and zstd.
 */
export function bzImagePayload(
  image: Uint8Array,
): { format: PayloadFormat; data: Uint8Array; size?: number } | undefined {
  if (bzImageRelease(image) === undefined || image.length < 0x250) return undefined;
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const start = ((image[0x1f1] || 4) + 1) * 512 + view.getUint32(0x248, true);
  const end = start + view.getUint32(0x24c, true);
  if (end > image.length || end - start < 8) return undefined;
  const data = image.subarray(start, end);
  const magic = Buffer.from(data.subarray(0, 6)).toString('hex');
  const sized = (format: PayloadFormat) => ({
    format,
    data: data.subarray(0, -4),
    size: view.getUint32(end - 4, true),
  });
  if (magic.startsWith('1f8b')) return { format: 'gzip', data };
  if (magic === 'fd377a585a00') return sized('xz');
  if (magic.startsWith('28b52ffd')) return sized('zstd');
  return { format: 'other', data };
}

/** XEN_ELFNOTE_PHYS32_ENTRY: the kernel can be entered in 32-bit mode by PVH, as qemu does for ELF. */
const PHYS32_ENTRY = 18;

/** True for a 64-bit ELF kernel with a PVH entry note: qemu boots it without decompressing anything. */
export function hasPvhEntry(file: Uint8Array): boolean {
  if (file.length < 64 || file[0] !== 0x7f || file[1] !== 0x45 || file[4] !== 2) return false;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (const ph of programHeaders(view, 0x30)) {
    if (ph < 0) return false;
    if (view.getUint32(ph, true) !== 4) continue; // PT_NOTE
    let at = Number(view.getBigUint64(ph + 8, true));
    const end = Math.min(at + Number(view.getBigUint64(ph + 0x20, true)), file.length);
    while (at + 12 <= end) {
      const namesz = view.getUint32(at, true);
      const descsz = view.getUint32(at + 4, true);
      const type = view.getUint32(at + 8, true);
      const name = new TextDecoder().decode(file.subarray(at + 12, at + 12 + namesz));
      if (type === PHYS32_ENTRY && name.replace(/\0+$/, '') === 'Xen') return true;
      at += 12 + align4(namesz) + align4(descsz);
    }
  }
  return false;
}

const align4 = (n: number) => (n + 3) & ~3;
