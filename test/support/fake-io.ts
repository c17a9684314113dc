// Stand-in stdout/stderr for calling CLI entry points in-process.

export function fakeIo() {
  const out = { stdout: '', stderr: '' };
  const stream = (key: 'stdout' | 'stderr') =>
    ({
      isTTY: false,
      write: (s: string) => {
        out[key] += s;
        return true;
      },
    }) as unknown as NodeJS.WriteStream;
  return { out, io: { stdout: stream('stdout'), stderr: stream('stderr') } };
}
