// Topology features beyond the catalog, checked by behaviour on the real kernel.

import { expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.ts';
import type { ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { describeLab, namespacesOf } from '../support/lab.ts';

const run = (def: ScenarioDef) => runScenario({ scenario: { name: 'features', file: '', def } });

describeLab('topology features on the real kernel', () => {
  //   h1 10.5.0.1 ── eth0 ┐ gw: br0 10.5.0.254 (HTTP) ┌ eth1 ── h2 10.5.0.2 (HTTP)
  it('bridges inside a node: hosts talk across it and to the address on the bridge', async () => {
    const result = await run({
      description: 'bridge inside a node',
      nodes: {
        h1: { kind: 'host', interfaces: { eth0: { addresses: ['10.5.0.1/24'] } } },
        h2: {
          kind: 'host',
          interfaces: { eth0: { addresses: ['10.5.0.2/24'] } },
          services: [{ kind: 'http', port: 80 }],
        },
        gw: {
          kind: 'host',
          interfaces: { br0: { bridge: ['eth0', 'eth1'], addresses: ['10.5.0.254/24'] } },
          services: [{ kind: 'http', port: 80 }],
        },
      },
      links: [
        { a: 'h1:eth0', b: 'gw:eth0' },
        { a: 'gw:eth1', b: 'h2:eth0' },
      ],
      probes: [
        {
          name: 'across',
          from: 'h1',
          url: 'http://10.5.0.2/',
          expect: 'connects',
          serverSees: '10.5.0.1',
        },
        {
          name: 'to-bridge',
          from: 'h1',
          url: 'http://10.5.0.254/',
          expect: 'connects',
          serverSees: '10.5.0.1',
        },
      ],
      flows: [
        {
          name: 'gw bridges the SYN out of eth1',
          at: 'gw:eth1',
          during: 'across',
          match: {
            direction: 'out',
            src: '10.5.0.1',
            dst: '10.5.0.2',
            tcp: { syn: true, ack: false },
          },
          expect: 'seen',
        },
        { at: 'gw:eth1', during: 'to-bridge', match: { proto: 'tcp' }, expect: 'absent' },
      ],
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.checks).toHaveLength(7); // kernel-health included
    expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  });

  //   a 10.6.1.2 ── r (10.6.1.1 | 10.6.2.1) ── b 10.6.2.2 (HTTP)
  const routed = (
    sysctls: Record<string, string> | undefined,
    expect: 'connects' | 'fails',
  ): ScenarioDef => ({
    description: 'routed',
    nodes: {
      a: {
        kind: 'host',
        interfaces: { eth0: { addresses: ['10.6.1.2/24'] } },
        routes: [{ to: 'default', via: '10.6.1.1' }],
      },
      r: {
        kind: 'router',
        interfaces: { eth0: { addresses: ['10.6.1.1/24'] }, eth1: { addresses: ['10.6.2.1/24'] } },
        sysctls,
      },
      b: {
        kind: 'host',
        interfaces: { eth0: { addresses: ['10.6.2.2/24'] } },
        routes: [{ to: 'default', via: '10.6.2.1' }],
        services: [{ kind: 'http', port: 80 }],
      },
    },
    links: [
      { a: 'a:eth0', b: 'r:eth0' },
      { a: 'r:eth1', b: 'b:eth0' },
    ],
    probes: [{ name: 'p', from: 'a', url: 'http://10.6.2.2/', expect }],
  });

  it('routers forward by default, and a node sysctl can turn it off', async () => {
    const forwarding = await run(routed(undefined, 'connects'));
    expect(forwarding.probes[0]).toMatchObject({ ok: true });
    const off = await run(routed({ 'net.ipv4.ip_forward': '0' }, 'fails'));
    expect(off.probes[0]).toMatchObject({ ok: false });
    expect(off.verdict).toBe('pass');
  });
});
