// Inside the guest (started by vm/guest/stage2.sh): runs each scenario of the host's job and leaves
// its JSON result, pcaps and report in the shared directory. Progress goes to the console. Imports
// only what a run needs, not the whole CLI: every module costs emulated CPU to load.

import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorResult } from '../report/error-result.ts';
import { renderHtmlReport } from '../report/html-report.ts';
import { runScenario } from '../run/run-scenario.ts';
import { runCommand } from '../system/run-command.ts';
import { setSlowdown } from '../system/slowdown.ts';
import { type GuestJob, JOB_FILE, runFiles } from '../vm/guest-job.ts';
import { progressPrinter } from './progress-printer.ts';

const shared = process.argv[2] ?? '';
try {
  const job = JSON.parse(await readFile(join(shared, JOB_FILE), 'utf8')) as GuestJob;
  setSlowdown(job.slowdown);
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
  const progress = progressPrinter(
    createWriteStream('', { fd: 2, autoClose: false }) as unknown as NodeJS.WriteStream,
  );
  for (const [i, scenario] of job.scenarios.entries()) {
    const files = runFiles(shared, i);
    let result: object;
    try {
      const run = await runScenario({ scenario, outDir: files.out, progress });
      if (run.outDir) await writeFile(join(run.outDir, 'report.html'), renderHtmlReport(run));
      result = run;
    } catch (error) {
      // The host reports it as this kernel's error; the message carries command and stderr.
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(`natlab: ${reason}\n`);
      result = errorResult(scenario.name, reason);
    }
    await writeFile(files.stdout, JSON.stringify(result));
  }
} catch (error) {
  process.stderr.write(`natlab-guest: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 2;
}
