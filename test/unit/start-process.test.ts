// Long-running children: a stop that returns once the child says it is done, before it has exited.

import { expect, it } from 'vitest';
import { PYTHON } from '../../src/system/python.ts';
import { startProcess } from '../../src/system/start-process.ts';

// Says "ready"; on SIGTERM says "done", then takes a second to exit, as tcpdump takes ~25 ms.
const SLOW_EXIT = [
  'import signal, sys, time',
  'def term(*_):',
  '    sys.stderr.write("done\\n"); sys.stderr.flush(); time.sleep(1); sys.exit(0)',
  'signal.signal(signal.SIGTERM, term)',
  'sys.stderr.write("ready\\n"); sys.stderr.flush()',
  'while True: time.sleep(1)',
].join('\n');

const start = (doneWhenStopped?: { stream: 'stderr'; pattern: RegExp }) =>
  startProcess([PYTHON, '-c', SLOW_EXIT], {
    action: 'start a slow exiter',
    stage: 'capture',
    ready: { stream: 'stderr', pattern: /ready/ },
    doneWhenStopped,
  });

it('stop returns at the done line, while the exit is still to come, and exited settles after', async () => {
  const child = await start({ stream: 'stderr', pattern: /done\n/ });
  let exitedYet = false;
  void child.exited.then(() => {
    exitedYet = true;
  });
  const stopped = await child.stop();
  expect(stopped).toMatchObject({ saidDone: true, stderr: 'ready\ndone\n' });
  expect(exitedYet).toBe(false);
  expect(await child.exited).toMatchObject({ exitCode: 0 });
});

it('without a done line, stop waits for the exit itself', async () => {
  const child = await start();
  const stopped = await child.stop();
  expect(stopped).toMatchObject({ exitCode: 0 });
  expect(stopped.saidDone).toBeUndefined();
});
