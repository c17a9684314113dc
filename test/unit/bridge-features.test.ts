// ebtables command lists and the bridged gateway's plan: bridges, ports, hairpin and br_netfilter.

import { describe, expect, it } from 'vitest';
import {
  nodeBridgesBatch,
  nodeDevicesBatch,
  nodeLinksBatch,
  rootBatch,
} from '../../src/backend/netns/build-netns.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import { unmetNeeds } from '../../src/preflight/probe-capabilities.ts';
import { renderCapabilityTable } from '../../src/report/capability-table.ts';
import { glyphsFor } from '../../src/report/terminal-report.ts';
import { parseCommandList } from '../../src/scenario/command-lists.ts';
import type { ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { validateScenario } from '../../src/scenario/validate-scenario.ts';

const opts = { scenario: 't', runId: 'abc123' };

describe('ebtables command lists', () => {
  it('turns each line into an argv and notes the tables', () => {
    const parsed = parseCommandList(
      '# the seed, fixed\nebtables -t broute -A BROUTING -p IPv4 -j DROP\n\nebtables -A FORWARD -j ACCEPT\n',
      'ebtables',
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.commands).toEqual([
      ['ebtables', '-t', 'broute', '-A', 'BROUTING', '-p', 'IPv4', '-j', 'DROP'],
      ['ebtables', '-A', 'FORWARD', '-j', 'ACCEPT'],
    ]);
    expect(parsed.tables).toEqual(['broute', 'filter']);
  });

  it('refuses other commands and shell syntax instead of guessing', () => {
    expect(parseCommandList('iptables -A INPUT -j DROP', 'ebtables').problems[0]).toMatch(
      /line 1 must start with "ebtables"/,
    );
    expect(parseCommandList('ebtables -A FORWARD -j DROP; reboot', 'ebtables').problems[0]).toMatch(
      /shell syntax/,
    );
    expect(parseCommandList('# nothing\n', 'ebtables').problems).toEqual([
      'ebtables ruleset has no command',
    ]);
  });
});

describe('the bridged gateway plan', async () => {
  const hairpin = planTopology((await loadScenario('bridge-nat-hairpin-port')).def, opts);
  const nfOff = planTopology((await loadScenario('bridge-nat-nf-off')).def, opts);
  const gateway = (plan: typeof hairpin) => plan.nodes.find((n) => n.name === 'gateway');

  it('sets hairpin on the port and the per-bridge br_netfilter option', () => {
    const links = nodeLinksBatch(gateway(hairpin) as never);
    expect(links).toContain('link set dev eth0 type bridge_slave hairpin on');
    expect(nodeDevicesBatch(gateway(nfOff) as never)).toContainEqual(
      expect.stringMatching(/type bridge nf_call_iptables 0$/),
    );
    expect(
      nfOff.nodes.find((n) => n.name === 'gateway')?.sysctls['net.bridge.bridge-nf-call-iptables'],
    ).toBe('0');
  });

  it('brings bridges up only in the second pass, before the routes and neighbours of their node', () => {
    expect(
      nodeLinksBatch(gateway(hairpin) as never).some((l) => l.startsWith('link set dev br0 up')),
    ).toBe(false);
    const second = nodeBridgesBatch(gateway(hairpin) as never);
    expect(second[0]).toBe('link set dev br0 up');
    expect(second).toContain('route add default via 198.51.100.1');
    // A node without a bridge takes its routes and neighbours in its one pass.
    const wired = hairpin.nodes.find((n) => n.name === 'wired');
    expect(nodeBridgesBatch(wired as never)).toEqual([]);
    expect(nodeLinksBatch(wired as never)).toContainEqual(
      expect.stringMatching(
        /^neigh replace 10\.1\.1\.1 lladdr 02:6e:6c:00:\S+ dev eth0 nud permanent$/,
      ),
    );
  });

  it('gives the two ends of every veth different ifindexes', () => {
    for (const line of rootBatch(hairpin).filter((l) => l.includes('type veth'))) {
      const [a, b] = [...line.matchAll(/index (\d+)/g)].map((m) => m[1]);
      expect(a).not.toBe(b);
    }
  });

  it('captures switch ports inbound-only where the other end is captured too', () => {
    expect(hairpin.captures.filter((c) => c.inboundOnly).map((c) => c.id)).toEqual([
      'switch:modem',
      'switch:gateway',
      'switch:wired',
    ]);
  });
});

describe('validation of the new options', () => {
  const base = (): ScenarioDef => ({
    description: 'x',
    nodes: {
      a: { kind: 'host', interfaces: { eth0: { addresses: ['10.0.0.1/24'] } } },
      sw: { kind: 'switch' },
    },
    links: [{ a: 'a:eth0', b: 'sw' }],
  });
  const problems = (def: ScenarioDef) => {
    try {
      planTopology(def, opts);
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('names unknown needs, diagnosis rules and a bad storm bound', () => {
    // Checked by the scenario schema, which names each problem's path.
    const def = {
      ...base(),
      needs: ['teleport' as never],
      diagnosis: { nope: true } as never,
      stormGuard: { maxPacketsPerSecond: -1 },
    };
    expect(() => validateScenario(def, 't')).toThrow(
      /needs\[0\]: "teleport" is not one of "br-netfilter"/,
    );
    expect(() => validateScenario(def, 't')).toThrow(/diagnosis\.nope: unknown key/);
    expect(() => validateScenario(def, 't')).toThrow(
      /stormGuard\.maxPacketsPerSecond: -1 is out of range \(must be at least 1\)/,
    );
  });

  it('refuses hairpin on an interface that is no bridge port, and nfCallIptables on a non-bridge', () => {
    const def = base();
    def.nodes.a = {
      kind: 'host',
      interfaces: { eth0: { addresses: ['10.0.0.1/24'], hairpin: true, nfCallIptables: false } },
    };
    const message = problems(def);
    expect(message).toMatch(/a:eth0: hairpin is a bridge port option/);
    expect(message).toMatch(/nfCallIptables is a bridge option, and eth0 is no bridge/);
  });

  it('refuses a neighbour off every connected subnet or pointing at no interface', () => {
    const def = base();
    def.nodes.a = {
      ...def.nodes.a,
      kind: 'host',
      neighbors: { '172.16.0.1': 'sw:br0', '10.0.0.9': 'ghost:eth0' },
    };
    const message = problems(def);
    expect(message).toMatch(/neighbor 172\.16\.0\.1 is not an address on a connected subnet/);
    expect(message).toMatch(/neighbor 10\.0\.0\.9 → "ghost:eth0" is not a node:iface with a MAC/);
  });

  it('accepts ping probes and "either" outcomes', () => {
    const def = {
      ...base(),
      probes: [
        { name: 'p', from: 'a', ping: '10.0.0.255', broadcast: true, expect: 'either' as const },
      ],
    };
    expect(planTopology(def, opts).probes[0]).toMatchObject({
      kind: 'ping',
      target: '10.0.0.255',
      broadcast: true,
    });
  });
});

describe('capability reports', () => {
  const missing = [
    {
      name: 'ebtables-broute' as const,
      available: false,
      how: 'ebtables -t broute -L',
      detail: "table 'broute' does not exist",
    },
    { name: 'nft' as const, available: true, how: 'nft list ruleset', detail: 'works' },
  ];

  it('explains a skip by feature, test and answer', () => {
    expect(unmetNeeds(missing)).toBe(
      `needs the ebtables broute table (ebtables-legacy with CONFIG_BRIDGE_EBT_BROUTE, or ebtables-nft >= 1.8.10 with nft bridge meta broute, CONFIG_NFT_BRIDGE_META); "ebtables -t broute -L" said: table 'broute' does not exist`,
    );
    expect(unmetNeeds([missing[1] as (typeof missing)[number]])).toBeUndefined();
  });

  it('prints the doctor table in plain ASCII off a terminal', () => {
    const text = renderCapabilityTable('6.1.0', missing, glyphsFor(false));
    expect(text).toMatch(/kernel 6\.1\.0/);
    expect(text).toMatch(
      /FAIL ebtables-broute {2}ebtables -t broute -L {2}table 'broute' does not exist/,
    );
    expect(text).toMatch(/ok {3}nft {14}nft list ruleset/);
  });
});
