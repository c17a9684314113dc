// VLAN sub-interfaces, a macvlan and sysctls on a switch, checked by behaviour on the real kernel.

import { execa } from 'execa';
import { expect, it } from 'vitest';
import { deleteNamespaces } from '../../src/backend/netns/build-netns.ts';
import { netnsName } from '../../src/plan/topology-plan.ts';
import { probeCapabilities } from '../../src/preflight/probe-capabilities.ts';
import { newRunId, runScenario } from '../../src/run/run-scenario.ts';
import type { ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { removeManifest } from '../../src/system/run-ledger.ts';
import { describeLab, itIfKernelHas, namespacesOf } from '../support/lab.ts';

/** Kept, so sysctls can be read back, then torn down here. */
async function runKept(def: ScenarioDef, read: (runId: string) => Promise<void>) {
  const result = await runScenario({ keep: true, scenario: { name: 'links', file: '', def } });
  const runId = result.runId ?? '';
  try {
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    await read(runId);
  } finally {
    await deleteNamespaces(Object.keys(def.nodes).map((n) => netnsName(runId, n)));
    await removeManifest(runId);
  }
  expect(await namespacesOf(runId)).toEqual([]);
}

/** h1 and h2 on switch sw. */
const SWITCHED = [
  { a: 'h1:eth0', b: 'sw' },
  { a: 'h2:eth0', b: 'sw' },
];

async function sysctlIn(runId: string, node: string, key: string): Promise<string> {
  return (await execa('ip', ['netns', 'exec', netnsName(runId, node), 'sysctl', '-n', key])).stdout;
}

/** Some kernels (a VM's, without modules) lack 802.1Q: the capability natlab itself probes. */
async function vlanProblem(): Promise<string | undefined> {
  const [vlan] = await probeCapabilities(['vlan'], { runId: newRunId() });
  return vlan?.available ? undefined : `this kernel has no 802.1Q VLANs: ${vlan?.detail}`;
}

const vlanHost = (address: string) => ({
  kind: 'host' as const,
  interfaces: {
    eth0: {},
    'eth0.5': { kind: 'vlan' as const, parent: 'eth0', id: 5, addresses: [address] },
  },
  sysctls: { 'net.ipv4.conf.eth0.5.rp_filter': '2' },
});

const vlanLab: ScenarioDef = {
  description: 'vlan',
  nodes: { h1: vlanHost('10.7.5.1/24'), h2: vlanHost('10.7.5.2/24'), sw: { kind: 'switch' } },
  links: SWITCHED,
  probes: [{ name: 'tagged', from: 'h1', ping: '10.7.5.2', expect: 'connects' }],
  flows: [
    {
      name: 'the echo request leaves h1 tagged with VLAN 5',
      at: 'h1:eth0',
      during: 'tagged',
      match: { direction: 'out', vlan: 5, src: '10.7.5.1', dst: '10.7.5.2' },
      expect: 'seen',
    },
  ],
};

describeLab('VLAN and macvlan interfaces on the real kernel', async () => {
  //   h1 eth0 (mv0 10.7.0.9, macvlan) ── sw (br0 rp_filter 2) ── h2 eth0 10.7.0.2
  it('answers a ping on a bridge-mode macvlan, and sets a sysctl on the switch bridge', async () => {
    await runKept(
      {
        description: 'macvlan and a switch sysctl',
        nodes: {
          h1: {
            kind: 'host',
            interfaces: {
              eth0: {},
              mv0: { kind: 'macvlan', parent: 'eth0', addresses: ['10.7.0.9/24'] },
            },
          },
          h2: { kind: 'host', interfaces: { eth0: { addresses: ['10.7.0.2/24'] } } },
          sw: { kind: 'switch', sysctls: { 'net.ipv4.conf.br0.rp_filter': '2' } },
        },
        links: SWITCHED,
        probes: [{ name: 'macvlan', from: 'h2', ping: '10.7.0.9', expect: 'connects' }],
        flows: [
          {
            name: 'the macvlan answers',
            at: 'h2:eth0',
            during: 'macvlan',
            match: { direction: 'in', src: '10.7.0.9', dst: '10.7.0.2' },
            expect: 'seen',
          },
        ],
      },
      async (runId) => {
        expect(await sysctlIn(runId, 'sw', 'net.ipv4.conf.br0.rp_filter')).toBe('2');
      },
    );
  });

  const noVlans = await vlanProblem();

  it.runIf(noVlans !== undefined)(
    'skips a scenario with a VLAN on a kernel without 802.1Q, naming the feature',
    async () => {
      const result = await runScenario({ scenario: { name: 'vlan', file: '', def: vlanLab } });
      expect(result.verdict).toBe('skip');
      expect(result.reason).toMatch(/802\.1Q VLAN sub-interfaces/);
      expect(await namespacesOf(result.runId ?? 'none')).toEqual([]);
    },
  );

  //   h1 eth0.5 10.7.5.1 ── sw ── h2 eth0.5 10.7.5.2: tagged frames across an untagged switch
  itIfKernelHas(noVlans)('talks over 802.1Q sub-interfaces through a switch', async () => {
    await runKept(vlanLab, async (runId) => {
      expect(await sysctlIn(runId, 'h1', 'net/ipv4/conf/eth0.5/rp_filter')).toBe('2');
    });
  });
});
