// The Vagrantfile parses and validates. Vagrant is optional (only users with CI VMs need it).

import { resolve } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';

const vagrant = await execa('vagrant', ['--version'], { reject: false });

it.skipIf(vagrant.failed)('vagrant validate accepts the Vagrantfile', async () => {
  // --ignore-provider: a machine without VirtualBox or libvirt still checks the file itself.
  const run = await execa('vagrant', ['validate', '--ignore-provider'], {
    cwd: resolve(import.meta.dirname, '../..'),
    reject: false,
    timeout: 60_000,
  });
  expect(run.stdout).toMatch(/Vagrantfile validated successfully/);
  expect(run.exitCode).toBe(0);
});
