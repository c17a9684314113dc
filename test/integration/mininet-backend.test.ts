// --backend mininet: Mininet builds the nodes and links, natlab does the rest through the same
// interface. Every scenario must give the same verdict as with natlab's own backend.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { EXIT } from '../../src/cli/main.ts';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { type Backend, runScenario } from '../../src/run/run-scenario.ts';
import { listScenarioNames, loadScenario } from '../../src/scenario/load-scenario.ts';
import {
  describeLab,
  itUnless,
  missingTools,
  namespacesOf,
  natlabCli,
  processesMentioning,
  runCliWithout,
  waitForStderr,
} from '../support/lab.ts';

const _ROOT = resolve(import.meta.dirname, '../..');
const DRIVER = 'mininet-driver.py';
// Found apart from natlab's own capability probe, so a broken probe cannot turn these into skips.
const SCENARIOS = await listScenarioNames();
const itMininet = itUnless(await missingTools(['mn', 'brctl'], '--test-tools'));

/** The verdict and which checks failed: what must not depend on who built the lab. */
async function outcome(name: string, backend: Backend) {
  const result = await runScenario({ scenario: await loadScenario(name), backend });
  const failed = result.checks.filter((c) => !c.ok).map((c) => c.name);
  expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  return { verdict: result.verdict, failed, reason: result.reason };
}

async function parentOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The command name may hold spaces: the fields after its closing parenthesis are fixed.
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

async function descendsFrom(pid: number, ancestor: number): Promise<boolean> {
  for (let p: number | undefined = pid, hops = 0; p && hops < 20; hops++) {
    if (p === ancestor) return true;
    p = await parentOf(p);
  }
  return false;
}

describeLab('the Mininet backend', () => {
  // One test per scenario: each has its own bound, and a failure names its scenario.
  for (const name of SCENARIOS) {
    itMininet(
      `${name}: the same verdict and failed checks as the netns backend`,
      async () => {
        const netns = await outcome(name, 'netns');
        const mininet = await outcome(name, 'mininet');
        expect({ name, ...mininet }).toEqual({ name, ...netns });
      },
      90_000,
    );
  }

  itMininet(
    'reports a driver that dies mid-run as an error (exit 2) with its stderr, and leaves nothing',
    async () => {
      const child = natlabCli(['bridge-nat-hairpin-port', '--backend', 'mininet']);
      // A run that never gets there (no brctl: it skips at once) is an error now, not at the timeout.
      const stderr = await waitForStderr(child, 'tcpdump listening', 55_000).catch((error) => {
        child.kill('SIGINT');
        throw error;
      });
      const runId = /run ([0-9a-f]{6})/.exec(stderr)?.[1] ?? '';
      const drivers = [];
      for (const pid of await processesMentioning(DRIVER))
        if (child.pid && (await descendsFrom(pid, child.pid))) drivers.push(pid);
      expect(drivers.length).toBeGreaterThan(0);
      for (const pid of drivers) process.kill(pid, 'SIGKILL');
      const run = await child;
      expect(run.exitCode).toBe(EXIT.error);
      expect(String(run.stderr)).toMatch(/the Mininet driver died mid-run \(SIGKILL\)/);
      expect(String(run.stderr)).not.toMatch(/^\s+at /m);
      expect(await namespacesOf(runId)).toEqual([]);
      expect(await processesMentioning(`nl-${runId}-`)).toEqual([]);
    },
    90_000,
  );

  it('is skipped (exit 4) with the reason when Mininet is missing', async () => {
    // Without Mininet on this machine there is nothing to hide: the run must skip all the same.
    const cli = await runCliWithout('mn', ['hairpin-broken', '--backend', 'mininet', '--json']);
    expect(cli.exitCode).toBe(EXIT.skip);
    const result = JSON.parse(String(cli.stdout)) as ScenarioResult;
    expect(result.reason).toMatch(/Mininet \(mn\)/);
    expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  });

  it('is skipped (exit 4), naming brctl, when bridge-utils is missing', async () => {
    const cli = await runCliWithout('brctl', ['hairpin-broken', '--backend', 'mininet', '--json']);
    expect(cli.exitCode).toBe(EXIT.skip);
    const result = JSON.parse(String(cli.stdout)) as ScenarioResult;
    expect(result.reason).toMatch(/"mn --version, brctl --version" said/);
    expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  });
});
