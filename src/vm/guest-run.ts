// Inside the guest (started by guest/stage2.sh): runs the natlab CLI for each run of the host's job
// and leaves its JSON result in the shared directory. Progress goes to the console.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, type Io, main } from '../cli/main.ts';
import { runCommand } from '../system/run-command.ts';
import { type GuestJob, JOB_FILE, runFiles } from './guest-job.ts';

const shared = process.argv[2] ?? '';
try {
  const job = JSON.parse(await readFile(join(shared, JOB_FILE), 'utf8')) as GuestJob;
  if (job.modules.length > 0) {
    // A module that will not load shows up as a missing capability in the run itself.
    const out = await runCommand(['modprobe', '-a', ...job.modules], {
      action: 'load modules',
      stage: 'vm',
      allowFailure: true,
    });
    if (out.exitCode !== 0) process.stderr.write(out.stderr);
  }
  // Not the console's tty: the host reads these lines, and escape codes would garble them.
  const stderr = createWriteStream('', { fd: 2, autoClose: false });
  for (const [i, argv] of job.runs.entries()) {
    const files = runFiles(shared, i);
    const stdout = createWriteStream(files.stdout);
    try {
      await main(argv, { stdout, stderr } as unknown as Io);
    } finally {
      stdout.end();
      await once(stdout, 'finish');
    }
  }
} catch (error) {
  process.stderr.write(`natlab-guest: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = EXIT.error;
}
