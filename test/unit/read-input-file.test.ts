// A user-named input file is read only when it is a regular file within the size limit; anything
// else is refused at once with a message naming the file and the reason.

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputFile } from '../../src/system/read-input-file.ts';

const opts = { what: 'ruleset', maxBytes: 16, stage: 'scenario' as const };
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'natlab-read-input-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readInputFile', () => {
  it('reads a regular file within the limit', async () => {
    await writeFile(join(dir, 'ok'), 'hello');
    expect((await readInputFile(join(dir, 'ok'), opts)).toString()).toBe('hello');
  });

  it('refuses a file over the limit, naming its size and the limit', async () => {
    await writeFile(join(dir, 'big'), 'x'.repeat(17));
    await expect(readInputFile(join(dir, 'big'), opts)).rejects.toThrow(
      /ruleset .*big: 17 bytes, over the limit of 16/,
    );
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    await expect(readInputFile(join(dir, 'fifo'), opts)).rejects.toThrow(/not a regular file/);
  });

  it('refuses a device such as /dev/zero', async () => {
    await expect(readInputFile('/dev/zero', opts)).rejects.toThrow(/not a regular file/);
  });

  it('refuses a directory and a missing file by name', async () => {
    await expect(readInputFile(dir, opts)).rejects.toThrow(/it is a directory/);
    await expect(readInputFile(join(dir, 'nope'), opts)).rejects.toThrow(/nope: no such file/);
  });
});
