// Sysctls stay inside their namespace and interface names the kernel takes are taken.

import { describe, expect, it } from 'vitest';
import {
  nodeBridgesBatch,
  nodeDevicesBatch,
  nodeLinksBatch,
  rootBatch,
} from '../../src/backend/netns/build-netns.ts';
import { sysctlArgv, sysctlJob } from '../../src/backend/netns/set-sysctls.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import type { NodePlan } from '../../src/plan/topology-plan.ts';
import { sysctlPath, sysctlProblem } from '../../src/scenario/validate-sysctls.ts';
import { curlArgv } from '../../src/traffic/run-probes.ts';

describe('the sysctl rule', () => {
  it.each([
    ['net.ipv4.ip_forward', '1'],
    ['net.bridge.bridge-nf-call-iptables', '0'],
    ['net.ipv4.tcp_rmem', '4096 87380 6291456'],
    ['net.ipv6.conf.eth0.5.accept_dad', '0'],
  ])('accepts %s = %s', (key, value) => {
    expect(sysctlProblem(key, value)).toBeUndefined();
  });

  it.each([
    ['vm.swappiness', '10', /sysctl "vm\.swappiness" is refused/],
    ['kernel.hostname', 'x', /sysctl "kernel\.hostname" is refused/],
    ['net', '1', /sysctl "net" is refused/],
    ['net..ipv4', '1', /is refused/],
    ['net.ipv4.ip_forward.', '1', /is refused/],
    ['net.ipv4/../../vm/swappiness', '1', /is refused/],
    ['net.ipv4.ip forward', '1', /is refused/],
    ['net.ipv4.ip_forward', '', /value "" is refused/],
    ['net.ipv4.ip_forward', '1\nnetns exec x', /value "1\\nnetns exec x" is refused/],
    ['net.ipv4.ip_forward', '1\t2', /value "1\\t2" is refused/],
    ['net.ipv4.ip_forward', '1\u0000', /value "1\\u0000" is refused/],
    ['net.ipv4.ip_forward', 'x'.repeat(257), /value "x+\.\.\." is refused/],
  ])('refuses %j = %j', (key, value, message) => {
    expect(sysctlProblem(key, value)).toMatch(message);
  });

  it('turns keys into /proc/sys paths that keep a device name whole', () => {
    expect(sysctlPath('net.ipv4.ip_forward')).toBe('net/ipv4/ip_forward');
    expect(sysctlPath('net.ipv6.conf.eth0.5.accept_dad')).toBe('net/ipv6/conf/eth0.5/accept_dad');
    expect(sysctlPath('net.ipv4.neigh.v.1.2.gc_stale_time')).toBe(
      'net/ipv4/neigh/v.1.2/gc_stale_time',
    );
    expect(sysctlPath('net.ipv6.conf.all.forwarding')).toBe('net/ipv6/conf/all/forwarding');
  });

  it('gives the setter each setting as its /proc/sys path and rechecks the rule where it runs', () => {
    const node = {
      name: 'r',
      netns: 'nl-1-r',
      sysctls: { 'net.ipv6.conf.eth0.5.accept_dad': '0' },
    } as never;
    expect(sysctlJob(node)).toEqual({
      node: 'r',
      netns: 'nl-1-r',
      settings: [['net.ipv6.conf.eth0.5.accept_dad', 'net/ipv6/conf/eth0.5/accept_dad', '0']],
    });
    expect(sysctlArgv(node)).toEqual(['sysctl', '-q', '-w', 'net/ipv6/conf/eth0.5/accept_dad=0']);
    const evil = { name: 'r', sysctls: { 'vm.swappiness': '1' } } as unknown as NodePlan;
    expect(() => sysctlJob(evil)).toThrow(/sysctl "vm\.swappiness" is refused/);
    expect(() => sysctlArgv(evil)).toThrow(/sysctl "vm\.swappiness" is refused/);
  });
});

describe('interface names in ip batches', () => {
  //   a ── sw ── up: node and port names that are also ip keywords ("a" abbreviates "address")
  const plan = planTopology(
    {
      description: 'keyword names',
      nodes: {
        a: { kind: 'host', interfaces: { 'eth0.5': { addresses: ['10.0.0.1/24'] } } },
        up: { kind: 'host', interfaces: { help: { addresses: ['10.0.0.2/24'] } } },
        sw: { kind: 'switch' },
      },
      links: [
        { a: 'a:eth0.5', b: 'sw' },
        { a: 'up:help', b: 'sw' },
      ],
    },
    { scenario: 't', runId: 'r1' },
  );
  const lines = [
    ...rootBatch(plan),
    ...plan.nodes.flatMap((n) => [
      ...nodeDevicesBatch(n),
      ...nodeLinksBatch(n),
      ...nodeBridgesBatch(n),
    ]),
  ];

  it('names every device after "name" or "dev", never bare', () => {
    const named = lines.filter((l) => /^link (add|set) /.test(l));
    expect(named.length).toBeGreaterThan(5);
    for (const line of named) expect(line).toMatch(/^link (add name|set dev) \S+ /);
    expect(lines).toContain('link set dev a master br0');
    expect(lines).toContainEqual(expect.stringMatching(/^link add name eth0\.5 netns nl-r1-a /));
  });

  it('sets no sysctl from the root batch', () => {
    expect(rootBatch(plan).filter((l) => l.includes('sysctl'))).toEqual([]);
  });
});

describe('curl probes', () => {
  it('turn URL globbing off, so a URL is one request', () => {
    const probe = { url: 'http://10.0.0.2/[1-100000]', connectTimeoutMs: 500, expect: 'fails' };
    const argv = curlArgv(probe as never);
    expect(argv).toContain('--globoff');
    expect(argv.at(-1)).toBe('http://10.0.0.2/[1-100000]');
  });
});
