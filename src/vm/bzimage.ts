// The release string inside an x86 bzImage, so an image given by path needs no other description.

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
  const phoff = Number(view.getBigUint64(0x20, true));
  const phentsize = view.getUint16(0x36, true);
  const phnum = view.getUint16(0x38, true);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > file.length) return false;
    if (view.getUint32(at, true) === 3) return false; // PT_INTERP
  }
  return true;
}
