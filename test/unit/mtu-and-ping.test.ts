// Interface MTU and ping options: validated with their paths, planned, turned into ip lines and
// ping argv, and ping's summary read back as replies received of sent.

import { describe, expect, it } from 'vitest';
import { nodeLinksBatch } from '../../src/backend/netns/build-netns.ts';
import { evaluateChecks } from '../../src/check/evaluate-checks.ts';
import { NatlabError } from '../../src/errors.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import type { PingProbePlan } from '../../src/plan/topology-plan.ts';
import type { PingProbeDef, ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { validateScenario } from '../../src/scenario/validate-scenario.ts';
import { pingArgv, readPing } from '../../src/traffic/run-probes.ts';

const opts = { scenario: 'test', runId: 'abc123' };

/** Two hosts on one veth, a pings b with these options. */
function lab(ping: Partial<PingProbeDef> = {}, mtu?: number, ipv6?: boolean): ScenarioDef {
  return {
    description: 'two hosts',
    nodes: {
      a: { kind: 'host', ipv6, interfaces: { eth0: { addresses: ['10.0.0.1/24'], mtu } } },
      b: { kind: 'host', interfaces: { eth0: { addresses: ['10.0.0.2/24'] } } },
    },
    links: [{ a: 'a:eth0', b: 'b:eth0' }],
    probes: [{ name: 'p', from: 'a', ping: '10.0.0.2', expect: 'connects', ...ping }],
  };
}

function refusal(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(NatlabError);
    expect((error as NatlabError).code).toBe('INVALID_SCENARIO');
    return (error as NatlabError).message;
  }
  throw new Error('expected the scenario to be refused');
}

const validate = (def: unknown) => refusal(() => validateScenario(def, 't'));
const plan = (def: ScenarioDef) => refusal(() => planTopology(def, opts));

describe('interface MTU', () => {
  it('is range-checked as IPv4 allows, naming the path', () => {
    expect(validate(lab({}, 67))).toMatch(
      /nodes\.a\.interfaces\.eth0\.mtu: 67 is out of range \(must be at least 68\)/,
    );
    expect(validate(lab({}, 70000))).toMatch(/eth0\.mtu: 70000 is out of range/);
    expect(validate(lab({}, 1400.5))).toMatch(/eth0\.mtu: expected an integer/);
    expect(() => validateScenario(lab({}, 68), 't')).not.toThrow();
  });

  it('is at least 1280 on a node with IPv6', () => {
    expect(plan(lab({}, 1279, true))).toMatch(
      /nodes\.a\.interfaces\.eth0\.mtu: 1279 is below 1280, the IPv6 minimum, and node a has ipv6: true/,
    );
    expect(() => planTopology(lab({}, 1280, true), opts)).not.toThrow();
    expect(() => planTopology(lab({}, 576), opts)).not.toThrow();
  });

  it('is set by the interface batch, after enslaving and before the link is up', () => {
    const node = planTopology(lab({}, 1400), opts).nodes.find((n) => n.name === 'a');
    const lines = nodeLinksBatch(node ?? never());
    expect(lines).toContain('link set dev eth0 mtu 1400');
    expect(lines.indexOf('link set dev eth0 mtu 1400')).toBeLessThan(
      lines.indexOf('link set dev eth0 up'),
    );
    const plain = planTopology(lab(), opts).nodes.find((n) => n.name === 'a');
    expect(nodeLinksBatch(plain ?? never()).some((l) => l.includes(' mtu '))).toBe(false);
  });
});

describe('ping options', () => {
  it('refuses a negative count, a too-short interval, an oversize payload, naming the path', () => {
    expect(validate(lab({ count: -1 }))).toMatch(
      /probes\[0\]\.count: -1 is out of range \(must be at least 1\)/,
    );
    expect(validate(lab({ count: 101 }))).toMatch(/probes\[0\]\.count: 101 is out of range/);
    expect(validate(lab({ intervalMs: 10 }))).toMatch(
      /probes\[0\]\.intervalMs: 10 is out of range \(must be at least 200\)/,
    );
    expect(validate(lab({ size: 65508 }))).toMatch(/probes\[0\]\.size: 65508 is out of range/);
    expect(validate(lab({ dontFragment: 'yes' as never }))).toMatch(
      /probes\[0\]\.dontFragment: expected true or false/,
    );
  });

  it('plans count 1 every second by default, and the options as given', () => {
    expect(planTopology(lab(), opts).probes[0]).toMatchObject({
      kind: 'ping',
      count: 1,
      intervalMs: 1000,
      connectTimeoutMs: 5000,
    });
    const options = { size: 1372, dontFragment: true, count: 3, intervalMs: 200 };
    expect(planTopology(lab(options), opts).probes[0]).toMatchObject(options);
  });

  it('refuses a ping whose requests and last wait run past two minutes', () => {
    expect(plan(lab({ count: 100, intervalMs: 2000 }))).toMatch(
      /probe p: count 100 every 2000 ms with a 5000 ms reply wait runs past 120000 ms/,
    );
  });

  it('turns the options into ping argv, keeping one plain echo as it was', () => {
    const base: PingProbePlan = {
      kind: 'ping',
      name: 'p',
      from: 'a',
      expect: 'connects',
      connectTimeoutMs: 500,
      target: '10.0.0.2',
      count: 1,
      intervalMs: 1000,
    };
    expect(pingArgv(base)).toEqual(['ping', '-n', '-c', '1', '-W', '0.5', '10.0.0.2']);
    expect(
      pingArgv({ ...base, count: 3, intervalMs: 200, size: 1472, dontFragment: true }),
    ).toEqual([
      'ping',
      '-n',
      '-c',
      '3',
      '-i',
      '0.2',
      '-W',
      '0.5',
      '-s',
      '1472',
      '-M',
      'do',
      '10.0.0.2',
    ]);
  });
});

describe("reading ping's output", () => {
  const output = (exitCode: number, stdout: string, stderr = '') => ({ exitCode, stdout, stderr });

  it('reports replies received of sent, and connects on at least one', () => {
    const partial = output(
      0,
      '64 bytes from 10.0.0.2: icmp_seq=2 ttl=64 time=0.05 ms\n\n--- 10.0.0.2 ping statistics ---\n3 packets transmitted, 1 received, 66.6667% packet loss, time 402ms\n',
    );
    expect(readPing(partial)).toEqual({
      ok: true,
      replies: { received: 1, sent: 3 },
      error: undefined,
    });
  });

  it('names the ICMP error that came back, or the local one', () => {
    const fragNeeded = output(
      1,
      'PING 198.51.100.10 (198.51.100.10) 1472(1500) bytes of data.\nFrom 203.0.113.254 icmp_seq=1 Frag needed and DF set (mtu = 1400)\n\n--- 198.51.100.10 ping statistics ---\n1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms\n',
    );
    expect(readPing(fragNeeded)).toEqual({
      ok: false,
      replies: { received: 0, sent: 1 },
      error: 'From 203.0.113.254 icmp_seq=1 Frag needed and DF set (mtu = 1400) (0/1 replies)',
    });
    expect(readPing(output(2, '', 'ping: connect: Network is unreachable'))).toMatchObject({
      ok: false,
      error: 'ping: connect: Network is unreachable',
    });
  });

  it('shows the replies in the probe check', () => {
    const def = lab({ count: 3, intervalMs: 200 });
    const checks = evaluateChecks({
      plan: planTopology(def, opts),
      probes: [
        {
          name: 'p',
          from: 'a',
          to: '10.0.0.2',
          expect: 'connects',
          ok: true,
          replies: { received: 2, sent: 3 },
          startedAt: 0,
          endedAt: 450,
        },
      ],
      packets: [],
      byProbe: new Map(),
      directionOf: () => undefined,
      findings: [],
    } as never);
    expect(checks[0]).toMatchObject({ ok: true, detail: 'connected (2/3 echo replies, 450 ms)' });
  });
});

function never(): never {
  throw new Error('node a is not in the plan');
}
