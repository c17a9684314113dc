// The initramfs archive: cpio "newc", the format the kernel unpacks (Documentation/driver-api/early-userspace).

export type CpioEntry =
  | { path: string; type: 'dir'; mode: number }
  | { path: string; type: 'file'; mode: number; data: Uint8Array }
  | { path: string; type: 'chardev'; mode: number; major: number; minor: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;

export function newcArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  const push = (chunk: Buffer) => {
    parts.push(chunk);
    size += chunk.length;
    const pad = (4 - (size % 4)) % 4;
    if (pad > 0) {
      parts.push(Buffer.alloc(pad));
      size += pad;
    }
  };
  const write = (
    ino: number,
    path: string,
    mode: number,
    data: Uint8Array,
    nlink: number,
    rdev = [0, 0],
  ) => {
    const name = Buffer.from(`${path}\0`);
    const [rmajor = 0, rminor = 0] = rdev;
    const fields = [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, rmajor, rminor, name.length, 0];
    const header = `070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`;
    push(Buffer.concat([Buffer.from(header, 'ascii'), name]));
    if (data.length > 0) push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  };
  entries.forEach((entry, i) => {
    const path = entry.path.replace(/^\/+/, '');
    if (entry.type === 'dir') write(i + 1, path, S_IFDIR | entry.mode, new Uint8Array(), 2);
    else if (entry.type === 'file') write(i + 1, path, S_IFREG | entry.mode, entry.data, 1);
    else write(i + 1, path, S_IFCHR | entry.mode, new Uint8Array(), 1, [entry.major, entry.minor]);
  });
  write(0, 'TRAILER!!!', 0, new Uint8Array(), 1);
  return Buffer.concat(parts);
}
