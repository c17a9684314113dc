// Seed 003's bridged gateway on the real kernel, and the storm guard.
//
//   internet ── modem ── switch ── wired
//                          │
//             gateway eth0 ┘  br0 = eth0 + wlan0 ── wifi

import { execa } from 'execa';
import { expect, it } from 'vitest';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import { CAPABILITIES } from '../../src/scenario/define-scenario.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import {
  describeLab,
  hostHasBroute,
  namespacesOf,
  natlabCli,
  processesMentioning,
} from '../support/lab.ts';

async function run(name: string): Promise<ScenarioResult> {
  const result = await runScenario({ scenario: await loadScenario(name) });
  expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  expect(await processesMentioning(`nl-${result.runId}-`)).toEqual([]);
  return result;
}

const probe = (result: ScenarioResult, name: string) => result.probes.find((p) => p.name === name);

describeLab('the bridged gateway on the real kernel', () => {
  it('bridge-nat-bug: wifi reaches the internet, wired does not; the reply dies inside the gateway', async () => {
    const result = await run('bridge-nat-bug');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(probe(result, 'wifi')).toMatchObject({ ok: true, serverSaw: '198.51.100.2' });
    expect(probe(result, 'wired')).toMatchObject({ ok: false });
    expect(result.capabilities).toContainEqual(
      expect.objectContaining({ name: 'br-netfilter', available: true }),
    );
    expect(result.kernel).toMatch(/^\d+\.\d+/);
  });

  it('bridge-nat-nf-off: with br_netfilter off both clients connect', async () => {
    const result = await run('bridge-nat-nf-off');
    expect(result.verdict).toBe('pass');
    expect(probe(result, 'wired')).toMatchObject({ ok: true, serverSaw: '198.51.100.2' });
  });

  it('bridge-nat-hairpin-port: finds reflected frames and the modem MAC flapping onto the gateway port', async () => {
    const result = await run('bridge-nat-hairpin-port');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    const reflected = result.diagnosis.find((d) => d.rule === 'frame-reflected');
    expect(reflected?.summary).toMatch(/^gateway sent \d+ frame\(s\) back out gateway:eth0/);
    const flaps = result.diagnosis.filter((d) => d.rule === 'mac-flap').map((d) => d.summary);
    expect(flaps).toContainEqual(
      expect.stringMatching(/modem:eth0's MAC .* enter through ports modem and gateway/),
    );
  });

  it('bridge-nat-broute: passes where the kernel has broute, and is skipped, naming it, where not', async ({
    skip,
  }) => {
    // Judged from the kernel's build options, not from the run's own probe.
    const hasBroute = await hostHasBroute();
    if (hasBroute === undefined) skip('cannot tell apart from natlab whether this host has broute');
    const result = await run('bridge-nat-broute');
    if (hasBroute) {
      expect(result.verdict).toBe('pass');
    } else {
      expect(result.verdict).toBe('skip');
      expect(result.reason).toMatch(/CONFIG_BRIDGE_EBT_BROUTE/);
      expect(result.reason).toMatch(/CONFIG_NFT_BRIDGE_META/);
      expect(result.checks).toEqual([]);
    }
  });

  it('bridge-loop-storm: the guard stops the loop within 2 s, exit 1 with the storm diagnosis, nothing left', async () => {
    const cli = await natlabCli(['bridge-loop-storm', '--json']);
    expect(cli.exitCode).toBe(1);
    const result = JSON.parse(String(cli.stdout)) as ScenarioResult;
    expect(result.verdict).toBe('fail');
    expect(result.diagnosis[0]?.rule).toBe('storm');
    const stopped = Number(
      /stopped (\d+) ms after the lab came up/.exec(result.checks[0]?.detail ?? '')?.[1],
    );
    expect(stopped).toBeLessThan(2000);
    expect(await namespacesOf(result.runId ?? '')).toEqual([]);
    expect(await processesMentioning(`nl-${result.runId}-`)).toEqual([]);
  });
});

describeLab('--doctor on the real kernel', () => {
  it('lists each capability with the command that tested it, and leaves no scratch namespace', async () => {
    const cli = await natlabCli(['--doctor', '--json']);
    expect(cli.exitCode).toBe(0);
    const report = JSON.parse(String(cli.stdout));
    const names = report.capabilities.map((c: { name: string }) => c.name);
    expect(names).toEqual([...CAPABILITIES]);
    expect(report.capabilities.find((c: { name: string }) => c.name === 'nft')).toMatchObject({
      available: true,
      how: 'nft list ruleset',
    });
    expect(report.kernel).toMatch(/^\d+\.\d+/);
    const left = (await execa('ip', ['netns', 'list'])).stdout
      .split('\n')
      .filter((n) => n.includes('-probe'));
    expect(left).toEqual([]);
  });
});
