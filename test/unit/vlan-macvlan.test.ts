// VLAN sub-interfaces, macvlans and per-device sysctls: planned and checked with their paths, and
// made by the netns backend's device batch before the sysctls, after their parents exist.

import { describe, expect, it } from 'vitest';
import { nodeDevicesBatch, nodeLinksBatch } from '../../src/backend/netns/build-netns.ts';
import { sysctlJob } from '../../src/backend/netns/set-sysctls.ts';
import { NatlabError } from '../../src/errors.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import type { InterfaceDef, NodeDef, ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { validateScenario } from '../../src/scenario/validate-scenario.ts';

const opts = { scenario: 'test', runId: 'abc123' };

/** Host a (with these extra interfaces and sysctls) and b on a switch. */
function lab(extra: Record<string, InterfaceDef>, a: Partial<NodeDef> = {}): ScenarioDef {
  return {
    description: 'two hosts on a switch',
    nodes: {
      a: { kind: 'host', interfaces: { eth0: {}, ...extra }, ...a },
      b: { kind: 'host', interfaces: { eth0: { addresses: ['10.0.0.2/24'] } } },
      sw: { kind: 'switch', sysctls: { 'net.bridge.bridge-nf-call-iptables': '0' } },
    },
    links: [
      { a: 'a:eth0', b: 'sw' },
      { a: 'b:eth0', b: 'sw' },
    ],
  };
}

function refusal(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(NatlabError);
    return (error as NatlabError).message;
  }
  throw new Error('expected the scenario to be refused');
}

const nodeA = (def: ScenarioDef) => {
  const node = planTopology(def, opts).nodes.find((n) => n.name === 'a');
  if (!node) throw new Error('no node a');
  return node;
};

describe('VLAN sub-interfaces and macvlans', () => {
  const vlan = lab({
    'eth0.5': { kind: 'vlan', parent: 'eth0', id: 5, addresses: ['10.5.0.1/24'] },
    mv0: { kind: 'macvlan', parent: 'eth0', addresses: ['10.0.0.9/24'] },
    mv1: { kind: 'macvlan', parent: 'eth0', mode: 'passthru' },
  });

  it('are made on their parent, the VLAN with its MAC, a macvlan with its own', () => {
    const node = nodeA(vlan);
    const eth0 = node.interfaces.find((i) => i.name === 'eth0');
    const mv0 = node.interfaces.find((i) => i.name === 'mv0');
    expect(node.interfaces.find((i) => i.name === 'eth0.5')?.mac).toBe(eth0?.mac);
    expect(mv0?.mac).not.toBe(eth0?.mac);
    expect(nodeDevicesBatch(node)).toEqual([
      'link add link eth0 name eth0.5 type vlan id 5',
      `link add link eth0 name mv0 address ${mv0?.mac} type macvlan mode bridge`,
      'link add link eth0 name mv1 type macvlan mode passthru',
    ]);
    const links = nodeLinksBatch(node);
    expect(links).toContain('addr add 10.5.0.1/24 dev eth0.5');
    expect(links).toContain('link set dev eth0.5 up');
    expect(links).toContain('link set dev mv0 up');
  });

  it('make a scenario need 802.1Q only when it has a VLAN, so a kernel without it skips', () => {
    const plan = (def: ScenarioDef) => planTopology(def, { scenario: 'v', runId: 'r1' });
    expect(plan(vlan).needs).toEqual(['vlan']);
    expect(plan({ ...vlan, needs: ['conntrack', 'vlan'] }).needs).toEqual(['conntrack', 'vlan']);
    expect(plan(lab({ mv0: { kind: 'macvlan', parent: 'eth0' } })).needs).toEqual([]);
  });

  it('makes bridges before the devices made on them, and sysctls may name either', () => {
    const def = lab(
      { br0: { bridge: ['eth0'] }, 'br0.7': { kind: 'vlan', parent: 'br0', id: 7 } },
      { sysctls: { 'net.ipv4.conf.br0.rp_filter': '0', 'net.ipv4.conf.br0.7.rp_filter': '2' } },
    );
    const node = nodeA(def);
    const lines = nodeDevicesBatch(node);
    expect(lines[0]).toMatch(/^link add name br0 address \S+ type bridge$/);
    expect(lines[1]).toBe('link add link br0 name br0.7 type vlan id 7');
    expect(sysctlJob(node).settings).toContainEqual([
      'net.ipv4.conf.br0.7.rp_filter',
      'net/ipv4/conf/br0.7/rp_filter',
      '2',
    ]);
  });

  it('refuses an unknown parent, a duplicate id and options of the other kind, naming the path', () => {
    const message = refusal(() =>
      planTopology(
        lab({
          'eth1.5': { kind: 'vlan', parent: 'eth1', id: 5 },
          'eth0.5': { kind: 'vlan', parent: 'eth0', id: 5 },
          v5: { kind: 'vlan', parent: 'eth0', id: 5 },
          nov: { kind: 'vlan', parent: 'eth0' },
          mv: { kind: 'macvlan', parent: 'lo', id: 3 },
          lo: {},
        }),
        opts,
      ),
    );
    expect(message).toContain(
      'nodes.a.interfaces["eth1.5"].parent: "eth1" is no interface of this node',
    );
    expect(message).toContain('nodes.a.interfaces.v5.id: VLAN 5 on eth0 is already eth0.5');
    expect(message).toContain('nodes.a.interfaces.nov.id: a vlan needs its 802.1Q id (1..4094)');
    expect(message).toContain("nodes.a.interfaces.mv.id: a VLAN id is for kind: 'vlan'");
    expect(message).toContain('nodes.a.interfaces.mv.parent: "lo" is a loopback');
  });

  it('refuses a VLAN id outside 1..4094 at load', () => {
    const message = refusal(() =>
      validateScenario(lab({ 'eth0.0': { kind: 'vlan', parent: 'eth0', id: 0 } }), 't'),
    );
    expect(message).toMatch(/nodes\.a\.interfaces\["eth0\.0"\]\.id: 0 is out of range/);
  });

  it('cannot be a link end', () => {
    const def = lab({ 'eth0.5': { kind: 'vlan', parent: 'eth0', id: 5 } });
    def.links.push({ a: 'a:eth0.5', b: 'b:eth1' });
    expect(refusal(() => planTopology(def, opts))).toContain(
      'interface a:eth0.5 is a vlan and cannot be a link end',
    );
  });
});

describe('sysctls and devices', () => {
  it('are allowed on a switch', () => {
    const sw = planTopology(lab({}), opts).nodes.find((n) => n.name === 'sw');
    expect(sw?.sysctls['net.bridge.bridge-nf-call-iptables']).toBe('0');
  });

  it('refuses a per-device key naming a device the node lacks, and keeps all, default and lo', () => {
    const message = refusal(() =>
      planTopology(
        lab(
          {},
          {
            sysctls: {
              'net.ipv4.conf.br0.rp_filter': '0',
              'net.ipv6.conf.eth9.accept_ra': '0',
              'net.ipv4.conf.all.rp_filter': '0',
              'net.ipv4.conf.default.rp_filter': '0',
              'net.ipv4.conf.lo.rp_filter': '0',
              'net.ipv4.conf.eth0.rp_filter': '0',
            },
          },
        ),
        opts,
      ),
    );
    expect(message).toContain(
      'nodes.a.sysctls["net.ipv4.conf.br0.rp_filter"]: node a has no interface "br0" (it has eth0, lo)',
    );
    expect(message).toContain('node a has no interface "eth9"');
    expect(message).not.toMatch(/"(all|default|lo|eth0)"/);
  });

  it('turns DAD off on every device of an IPv6 node, now that all exist before the sysctls', () => {
    const node = nodeA(lab({ br0: { bridge: ['eth0'] } }, { ipv6: true }));
    expect(node.sysctls['net.ipv6.conf.br0.accept_dad']).toBe('0');
    expect(node.sysctls['net.ipv6.conf.eth0.accept_dad']).toBe('0');
  });
});
