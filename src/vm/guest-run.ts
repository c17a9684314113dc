// Inside the guest (started by guest/stage2.sh): runs the natlab CLI for the host's job and leaves
// its JSON and exit code in the shared directory. Progress goes to stderr, the guest's console.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, type Io, main } from '../cli/main.ts';
import { runCommand } from '../system/run-command.ts';
import { type GuestJob, SHARED_FILES } from './guest-job.ts';

const shared = process.argv[2] ?? '';
let code: number = EXIT.error;
try {
  const job = JSON.parse(await readFile(join(shared, SHARED_FILES.job), 'utf8')) as GuestJob;
  if (job.modules.length > 0) {
    // A module that will not load shows up as a missing capability in the run itself.
    const out = await runCommand(['modprobe', '-a', ...job.modules], {
      action: 'load modules',
      stage: 'vm',
      allowFailure: true,
    });
    if (out.exitCode !== 0) process.stderr.write(out.stderr);
  }
  const stdout = createWriteStream(join(shared, SHARED_FILES.stdout));
  // Not the console's tty: the host reads these lines, and escape codes would garble them.
  const stderr = createWriteStream('', { fd: 2, autoClose: false });
  code = await main(job.argv, { stdout, stderr } as unknown as Io);
  stdout.end();
  await once(stdout, 'finish');
} catch (error) {
  process.stderr.write(`natlab-guest: ${(error as Error).stack ?? String(error)}\n`);
}
await writeFile(join(shared, SHARED_FILES.exitCode), `${code}\n`);
process.exitCode = code;
