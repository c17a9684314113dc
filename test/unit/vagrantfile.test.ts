// The Vagrantfile runs the user's suite. Vagrant cannot fetch boxes here, so its guest script (the
// "suite" provisioner) runs with bash against project directories laid out as a user's repository
// and natlab's own checkout, with a recording stand-in for the natlab bin. `vagrant validate` checks
// the whole file where vagrant is installed.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const vagrantfile = await readFile(join(ROOT, 'Vagrantfile'), 'utf8');
const suiteScript = /^SUITE = <<-'SHELL'\n([\s\S]*?)\nSHELL$/m.exec(vagrantfile)?.[1];

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function files(layout: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'natlab-vagrant-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(layout)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text, { mode: 0o755 });
  }
  return dir;
}

/** A user's repository: natlab as a dev dependency (a stand-in that records its argv), `npm test`. */
function userProject(): Promise<string> {
  return files({
    'package.json': JSON.stringify({
      name: 'office-firewall',
      private: true,
      scripts: { test: `node -e "require('fs').writeFileSync('test-ran', process.env.CI)"` },
      devDependencies: { natlab: 'file:./natlab-stand-in' },
    }),
    'natlab-stand-in/package.json': JSON.stringify({ name: 'natlab', bin: { natlab: 'bin.js' } }),
    'natlab-stand-in/bin.js': `#!/usr/bin/env node
require('fs').appendFileSync('natlab-calls', process.argv.slice(2).join(' ') + '\\n');
`,
  });
}

/** Runs the guest script as the provisioner does: the synced folder as $1, the settings as env. */
function runSuite(dir: string, env: Record<string, string> = {}) {
  if (!suiteScript) throw new Error('the Vagrantfile has no SUITE script');
  return execa('bash', ['-c', suiteScript, 'bash', dir], {
    env: { NATLAB_TEST: '', NATLAB_SCENARIOS: '', ...env },
    reject: false,
    timeout: 120_000,
  });
}

const read = (dir: string, file: string) => readFile(join(dir, file), 'utf8').catch(() => null);

describe('the Vagrantfile', () => {
  it('syncs NATLAB_PROJECT (default: its own directory) with rsync and passes the settings on', () => {
    expect(vagrantfile).toMatch(
      /^PROJECT = File\.expand_path\(ENV\.fetch\("NATLAB_PROJECT", __dir__\)\)/m,
    );
    expect(vagrantfile).toMatch(/synced_folder PROJECT, GUEST_DIR, type: "rsync"/);
    expect(vagrantfile).toMatch(/provision "suite", type: "shell", run: "always", inline: SUITE/);
    expect(vagrantfile).toMatch(/"NATLAB_TEST" => ENV\.fetch\("NATLAB_TEST", ""\)/);
    expect(vagrantfile).toMatch(/"NATLAB_SCENARIOS" => ENV\.fetch\("NATLAB_SCENARIOS", ""\)/);
    // `vagrant provision` does not copy an rsync folder again; the header says what does.
    expect(vagrantfile).toMatch(/vagrant rsync && vagrant provision/);
  });

  it("installs the user's packages, runs natlab setup, then npm test with CI=true", async () => {
    const dir = await userProject();
    const run = await runSuite(dir);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await read(dir, 'natlab-calls')).toBe('setup\n');
    expect(await read(dir, 'test-ran')).toBe('true');
  });

  it('runs NATLAB_TEST instead of npm test, and fails with its exit code', async () => {
    const dir = await userProject();
    const run = await runSuite(dir, { NATLAB_TEST: 'echo one file > custom-ran; exit 3' });
    expect(run.exitCode).toBe(3);
    expect(await read(dir, 'custom-ran')).toBe('one file\n');
    expect(await read(dir, 'test-ran')).toBeNull();
  });

  it('runs natlab run on NATLAB_SCENARIOS', async () => {
    const dir = await userProject();
    const run = await runSuite(dir, { NATLAB_SCENARIOS: 'scenarios' });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await read(dir, 'natlab-calls')).toBe('setup\nrun scenarios\n');
    expect(await read(dir, 'test-ran')).toBeNull();
  });

  it("runs natlab's own setup script and CI entry in natlab's checkout", async () => {
    const dir = await files({
      'scripts/setup.sh': 'echo "$PWD" > setup-ran\n',
      '.ci/run': 'echo "$CI" > ci-ran\n',
    });
    const run = await runSuite(dir);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await read(dir, 'setup-ran')).toBe(`${dir}\n`);
    expect(await read(dir, 'ci-ran')).toBe('true\n');
  });
});

const vagrant = await execa('vagrant', ['--version'], { reject: false });

it.skipIf(vagrant.failed)('vagrant validate accepts the Vagrantfile', async () => {
  // --ignore-provider: a machine without VirtualBox or libvirt still checks the file itself.
  const run = await execa('vagrant', ['validate', '--ignore-provider'], {
    cwd: ROOT,
    reject: false,
    timeout: 60_000,
  });
  expect(run.stdout).toMatch(/Vagrantfile validated successfully/);
  expect(run.exitCode).toBe(0);
});
