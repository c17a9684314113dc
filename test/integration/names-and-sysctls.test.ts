// Sysctls stay inside the lab, and names the kernel accepts build, on the real kernel.

import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { buildNetnsTopology } from '../../src/backend/netns/build-netns.ts';
import { EXIT, type Io, main } from '../../src/cli/main.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import type { ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { TeardownStack } from '../../src/system/teardown-stack.ts';
import { scenario } from '../fixtures/bad-input/cases/case.ts';
import { describeLab, namespacesOf } from '../support/lab.ts';

/** What a sysctl escape would change: the root's links, and host-wide settings. */
async function rootState(): Promise<string> {
  const links = await execa('ip', ['-o', 'link', 'show']);
  const swappiness = await readFile('/proc/sys/vm/swappiness', 'utf8');
  const forward = await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8');
  // Other helpers' labs come and go; only links named like this test's would be ours.
  const ours = links.stdout.split('\n').filter((l) => /nlevil|nl-sx/.test(l));
  return JSON.stringify({ ours, swappiness, forward });
}

const silent = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

describeLab('sysctls and names on the real kernel', () => {
  it.each(['sysctl-newline', 'sysctl-host'])(
    'refuses the scenario %s with exit 2 and leaves the root namespace as it was',
    async (name) => {
      const before = await rootState();
      const stderr = new Writable({
        write(chunk, _encoding, done) {
          text += String(chunk);
          done();
        },
      });
      let text = '';
      const code = await main(scenario(name), { stdout: silent(), stderr } as unknown as Io);
      expect(code).toBe(EXIT.error);
      expect(text).toMatch(/is refused/);
      expect(await rootState()).toBe(before);
    },
  );

  it('refuses a bad sysctl at the backend too, when a plan bypasses the checks', async () => {
    const def = {
      description: 'one host',
      nodes: { h: { kind: 'host' as const, interfaces: { lo: {} } } },
      links: [],
    };
    const plan = planTopology(def, { scenario: 'sx', runId: 'sx1' });
    const node = plan.nodes[0];
    if (!node) throw new Error('no node');
    node.sysctls['net.ipv4.ip_forward'] = '0\nlink add nlevil1 type bridge';
    const before = await rootState();
    const teardown = new TeardownStack();
    const built = await buildNetnsTopology(plan, { teardown }).catch((e: Error) => e);
    expect(await teardown.unwind()).toEqual([]);
    expect(built).toMatchObject({
      code: 'INVALID_SCENARIO',
      message: expect.stringMatching(/is refused/),
    });
    expect(await rootState()).toBe(before);
    expect(await namespacesOf('sx1')).toEqual([]);
  });

  //   a ── sw ── b (eth0.5, IPv6 on, HTTP): "a" is also a switch port, which ip once read as "address"
  const names: ScenarioDef = {
    description: 'kernel-valid names',
    nodes: {
      a: {
        kind: 'host',
        ipv6: true,
        interfaces: { eth0: { addresses: ['10.7.0.1/24', 'fd00:7::1/64'] } },
      },
      b: {
        kind: 'host',
        ipv6: true,
        interfaces: { 'eth0.5': { addresses: ['10.7.0.2/24', 'fd00:7::2/64'] } },
        sysctls: { 'net.ipv6.conf.eth0.5.hop_limit': '33' },
        services: [{ kind: 'http', port: 80 }],
      },
      sw: { kind: 'switch' },
    },
    links: [
      { a: 'a:eth0', b: 'sw' },
      { a: 'b:eth0.5', b: 'sw' },
    ],
    probes: [
      { name: 'v4', from: 'a', url: 'http://10.7.0.2/', expect: 'connects' },
      { name: 'v6', from: 'a', url: 'http://[fd00:7::2]/', expect: 'connects' },
    ],
    flows: [{ at: 'sw:a', during: 'v6', match: { proto: 'tcp', dport: 80 }, expect: 'seen' }],
  };

  it('builds and passes with a node named "a" and an interface "eth0.5" with IPv6 on', async () => {
    const result = await runScenario({ scenario: { name: 'names', file: '', def: names } });
    expect(result.reason).toBeUndefined();
    expect(result.probes.map((p) => p.ok)).toEqual([true, true]);
    expect(result.verdict).toBe('pass');
    expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  });

  it("sets a dotted device's sysctls inside its namespace, the dot kept", async () => {
    const plan = planTopology(names, { scenario: 'names', runId: 'nm1' });
    const teardown = new TeardownStack();
    try {
      await buildNetnsTopology(plan, { teardown });
      const read = (key: string) =>
        execa('ip', ['netns', 'exec', 'nl-nm1-b', 'sysctl', '-n', key]).then((r) => r.stdout);
      expect(await read('net/ipv6/conf/eth0.5/hop_limit')).toBe('33');
      expect(await read('net/ipv6/conf/eth0.5/accept_dad')).toBe('0');
    } finally {
      expect(await teardown.unwind()).toEqual([]);
    }
    expect(await namespacesOf('nm1')).toEqual([]);
  });
});
