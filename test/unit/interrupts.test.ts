// The CLI's backstop: after a signal, a command that never ends is ended within its grace (130),
// and a second signal ends it at once.

import { resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const STALLED = resolve(import.meta.dirname, '../fixtures/interrupts/stalled-command.ts');

/** Starts the stalled command with `graceMs`, resolving once it listens for signals. */
async function start(graceMs: number) {
  const child = execa(process.execPath, ['--import', 'tsx', STALLED, String(graceMs)], {
    reject: false,
    timeout: 60_000,
  });
  await new Promise<void>((done, fail) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) done();
    });
    child.then(() => fail(new Error('ended before it was ready')), fail);
  });
  // Wrapped: returning the subprocess itself from an async function would await its end.
  return { child };
}

describe('a command stalled after an interrupt', () => {
  it('ends with 130 once the grace has passed, saying why', async () => {
    const { child } = await start(1500);
    const sent = performance.now();
    child.kill('SIGINT');
    const run = await child;
    const waited = performance.now() - sent;
    expect(run.exitCode).toBe(130);
    expect(run.stderr).toMatch(/aborted, stalling/);
    expect(run.stderr).toMatch(/teardown did not end within 1\.5 s of SIGINT; exiting now/);
    expect(waited).toBeGreaterThanOrEqual(1400);
    expect(waited).toBeLessThan(15_000);
  });

  it('ends at once on a second signal', async () => {
    const { child } = await start(600_000);
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const run = await child;
    expect(run.exitCode).toBe(130);
    expect(run.stderr).toMatch(/SIGTERM again; exiting now/);
  });
});
