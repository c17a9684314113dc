// Commands started through the run's spawner behave as commands node starts itself: output, exit
// codes, input, timeouts, interrupts, a command that is not there; and nothing outlives the spawner.

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PYTHON } from '../../src/system/python.ts';
import { runCommand } from '../../src/system/run-command.ts';
import { heldSpawner, useSpawner } from '../../src/system/spawner.ts';
import { startProcess } from '../../src/system/start-process.ts';

const alive = (pid: number) =>
  readFile(`/proc/${pid}/stat`, 'utf8').then(
    (stat) => !/^\d+ \(.*\) Z/.test(stat),
    () => false,
  );

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!(await alive(pid))) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

const opts = { action: 'run a test command', stage: 'traffic' as const };

describe.each([
  ['through the spawner', true],
  ['started by node', false],
])('a command %s', (_, spawned) => {
  let release: () => void = () => undefined;
  if (spawned) {
    // Held per test, so each test also proves the spawner starts again after the last let go.
    afterEach(() => release());
  }
  const hold = () => {
    if (spawned) release = useSpawner();
    expect(heldSpawner() !== undefined).toBe(spawned);
  };

  it('returns its output and exit code, and reads its input', async () => {
    hold();
    const out = await runCommand([PYTHON, '-c', 'import sys; print(sys.stdin.read().upper())'], {
      ...opts,
      input: 'abc',
    });
    expect(out).toEqual({ stdout: 'ABC\n', stderr: '', exitCode: 0 });
  });

  it('fails naming the first stderr line, or gives the exit as data when asked', async () => {
    hold();
    const argv = [PYTHON, '-c', 'import sys; sys.stderr.write("bad thing\\n"); sys.exit(3)'];
    await expect(runCommand(argv, { ...opts, node: 'gw' })).rejects.toMatchObject({
      message: expect.stringMatching(/^failed to run a test command on gw: bad thing\n/),
      code: 'COMMAND_FAILED',
      command: argv,
    });
    expect(await runCommand(argv, { ...opts, allowFailure: true })).toMatchObject({
      exitCode: 3,
      stderr: 'bad thing\n',
    });
  });

  it('names a command that is not there, even with allowFailure', async () => {
    hold();
    await expect(
      runCommand(['natlab-no-such-command'], { ...opts, allowFailure: true }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/ENOENT/), code: 'COMMAND_FAILED' });
  });

  it('ends a command at its timeout, and on an interrupt', async () => {
    hold();
    await expect(runCommand(['sleep', '30'], { ...opts, timeoutMs: 200 })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    await expect(
      runCommand(['sleep', '30'], { ...opts, signal: stop.signal, allowFailure: true }),
    ).rejects.toMatchObject({ code: 'INTERRUPTED' });
  });

  it('starts a long-running process, ready on its line, stopped by SIGTERM', async () => {
    hold();
    const child = await startProcess(
      [PYTHON, '-c', 'import sys, time; print("ready", flush=True); time.sleep(30)'],
      { ...opts, ready: { stream: 'stdout', pattern: /ready/ } },
    );
    expect(await alive(child.pid)).toBe(true);
    expect(await child.stop()).toMatchObject({ signal: 'SIGTERM' });
    expect(await alive(child.pid)).toBe(false);
  });

  it('says why a process that is not there never became ready', async () => {
    hold();
    await expect(
      startProcess(['natlab-no-such-command'], {
        ...opts,
        ready: { stream: 'stdout', pattern: /ready/ },
      }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/could not start: [^\n]*ENOENT/),
    });
  });
});

it('kills what is still running when the last run lets go of the spawner', async () => {
  const release = useSpawner();
  const child = await startProcess(['sleep', '30'], {
    ...opts,
    ready: { cmdline: ['sleep', '30'] },
  });
  expect(await alive(child.pid)).toBe(true);
  release();
  expect(heldSpawner()).toBeUndefined();
  expect(await goneWithin(child.pid, 5000)).toBe(true);
});

it('kills what it started even when natlab went while it was still answering', async () => {
  // natlab killed mid-run: the spawner's answers hit a closed pipe, then its stdin ends.
  const script = fileURLToPath(new URL('../../src/system/spawner.py', import.meta.url));
  const helper = spawn(PYTHON, ['-I', '-S', script], { stdio: ['pipe', 'pipe', 'ignore'] });
  const send = (request: object) => helper.stdin.write(`${JSON.stringify(request)}\n`);
  const spawnSleep = (id: number) =>
    send({ op: 'spawn', id, argv: ['sleep', '30'], path: process.env.PATH, stdin: false });
  const lines = createInterface({ input: helper.stdout });
  spawnSleep(1);
  const started = await new Promise<{ pid: number }>((resolve) =>
    lines.once('line', (line) => resolve(JSON.parse(line))),
  );
  expect(await alive(started.pid)).toBe(true);
  lines.close();
  helper.stdout.destroy();
  spawnSleep(2);
  await new Promise((r) => setTimeout(r, 200));
  helper.stdin.end();
  expect(await goneWithin(started.pid, 5000)).toBe(true);
});
