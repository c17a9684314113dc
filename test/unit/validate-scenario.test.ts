// Scenarios are validated at run time, every problem named by its path.

import { describe, expect, it } from 'vitest';
import { NatlabError } from '../../src/errors.ts';
import type { ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { listScenarioNames, loadScenario } from '../../src/scenario/load-scenario.ts';
import { pathText, validateScenario } from '../../src/scenario/validate-scenario.ts';
import { CASES } from '../fixtures/bad-input/cases/scenario-schema.ts';

/** Two hosts on a switch, a probe and a flow: valid as it is. */
function lab(): ScenarioDef {
  return {
    description: 'two hosts',
    nodes: {
      a: { kind: 'host', interfaces: { eth0: { addresses: ['10.0.0.1/24'] } } },
      b: {
        kind: 'host',
        interfaces: { eth0: { addresses: ['10.0.0.2/24'] } },
        services: [{ kind: 'http', port: 80 }],
      },
      sw: { kind: 'switch' },
    },
    links: [
      { a: 'a:eth0', b: 'sw' },
      { a: 'b:eth0', b: 'sw' },
    ],
    probes: [{ name: 'p', from: 'a', url: 'http://10.0.0.2/', expect: 'connects' }],
    flows: [{ at: 'a:eth0', match: { proto: 'tcp', tcp: { syn: true } }, expect: 'seen' }],
  };
}

function problemsOf(raw: unknown): string {
  try {
    validateScenario(raw, 't');
  } catch (error) {
    expect(error).toBeInstanceOf(NatlabError);
    expect((error as NatlabError).code).toBe('INVALID_SCENARIO');
    return (error as NatlabError).message;
  }
  throw new Error('expected the scenario to be refused');
}

describe('validateScenario', () => {
  it('accepts every scenario of the catalog, returning an equal copy', async () => {
    const names = await listScenarioNames();
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      const { def } = await loadScenario(name);
      const copy = validateScenario(def, name);
      expect(copy).toEqual(def);
      expect(copy).not.toBe(def);
    }
  });

  it('names path and expected type of wrong types, and every problem at once', () => {
    const def = lab() as unknown as Record<string, unknown>;
    def.links = 'a:eth0 sw';
    (def.nodes as Record<string, unknown>).b = null;
    const message = problemsOf(def);
    expect(message).toMatch(/^scenario "t" is invalid:\n/);
    expect(message).toMatch(/ {2}- links: expected an array, got "a:eth0 sw"/);
    expect(message).toMatch(/ {2}- nodes\.b: expected an object, got null/);
  });

  it('refuses unknown keys and values that would make a check pass vacuously', () => {
    const def = lab();
    def.flows = [
      { at: 'a:eth0', match: { tcp: { synn: true } as never }, expect: 'absent' },
      {
        at: 'a:eth0',
        match: { direction: 'inbound' as never, proto: 'tcpp' as never },
        expect: 'absent',
      },
    ];
    const message = problemsOf(def);
    expect(message).toMatch(/flows\[0\]\.match\.tcp\.synn: unknown key/);
    expect(message).toMatch(/flows\[1\]\.match\.direction: "inbound" is not one of "in", "out"/);
    expect(message).toMatch(/flows\[1\]\.match\.proto: "tcpp" is not one of/);
  });

  it('picks the probe kind a probe comes closest to', () => {
    const def = lab();
    def.probes = [{ name: 'q', from: 'a', ping: 5, expect: 'fails' } as never];
    const message = problemsOf(def);
    expect(message).toMatch(/probes\[0\]\.ping: expected a string, got 5/);
    expect(message).not.toMatch(/url/);
  });

  it('reads each getter once, and turns a throwing one into a problem', () => {
    let reads = 0;
    const def = lab();
    Object.defineProperty(def, 'description', {
      enumerable: true,
      get: () => {
        reads += 1;
        return reads === 1 ? 'first' : 42;
      },
    });
    expect(validateScenario(def, 't').description).toBe('first');
    expect(reads).toBe(1);
    const throwing = lab();
    Object.defineProperty(throwing.nodes, 'a', {
      enumerable: true,
      get: () => {
        throw Symbol('odd');
      },
    });
    expect(problemsOf(throwing)).toMatch(/nodes\.a: reading it threw Symbol\(odd\)/);
  });

  it('refuses what is not plain data: proxies that throw, Maps, cycles, runaway sizes', () => {
    const trap = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new TypeError('no keys');
        },
      },
    );
    expect(problemsOf(trap)).toMatch(/the scenario: reading it threw TypeError: no keys/);
    expect(problemsOf({ ...lab(), nodes: new Map() })).toMatch(
      /nodes: expected a plain object, got a Map/,
    );
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 40; i++) {
      const inner: Record<string, unknown> = {};
      at.x = inner;
      at = inner;
    }
    expect(problemsOf({ ...lab(), nat: deep })).toMatch(/nested deeper than 32 levels/);
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    expect(problemsOf({ ...lab(), links: sparse })).toMatch(/links: holds 4294967295 items/);
  });

  it('range-checks every number', () => {
    const cases: [(d: ScenarioDef) => void, RegExp][] = [
      [
        (d) => {
          d.probes = [{ ...d.probes?.[0], connectTimeoutMs: -5 } as never];
        },
        /connectTimeoutMs: -5 is out of range/,
      ],
      [
        (d) => {
          d.stormGuard = { maxPacketsPerSecond: Number.NaN };
        },
        /maxPacketsPerSecond: expected (a number|an integer), got NaN/,
      ],
      [
        (d) => {
          d.flows = [{ at: 'a:eth0', match: { dport: 1e6 }, expect: 'seen' }];
        },
        /match\.dport: 1000000 is out of range/,
      ],
      [
        (d) => {
          (d.nodes.b as never as { services: unknown[] }).services = [{ kind: 'http', port: 0 }];
        },
        /port: 0 is out of range/,
      ],
    ];
    for (const [mutate, message] of cases) {
      const def = lab();
      mutate(def);
      expect(problemsOf(def)).toMatch(message);
    }
  });

  it('applies the sysctl rule, showing control characters escaped', () => {
    const def = lab();
    def.nodes.a = {
      ...def.nodes.a,
      sysctls: { 'net.ipv4.ip_forward': '1\nlink add x type bridge' },
    } as never;
    expect(problemsOf(def)).toMatch(/value "1\\nlink add x type bridge" is refused/);
  });

  it('writes paths as a user would', () => {
    expect(pathText(['flows', 2, 'match', 'tcp', 'synn'])).toBe('flows[2].match.tcp.synn');
    expect(pathText(['nodes', 'my node'])).toBe('nodes["my node"]');
    expect(pathText([])).toBe('the scenario');
  });
});

describe('udp and tcp probes and services', () => {
  it('accepts them, with a udp and a tcp service on the same port', () => {
    const def = lab();
    def.nodes.b = {
      ...def.nodes.b,
      kind: 'host',
      services: [
        { kind: 'udp', port: 53 },
        { kind: 'tcp', port: 53 },
      ],
    };
    def.probes = [
      {
        name: 'u',
        from: 'a',
        kind: 'udp',
        to: '10.0.0.2',
        port: 53,
        expect: 'connects',
        serverSees: '10.0.0.1',
      },
      { name: 't', from: 'a', kind: 'tcp', to: '10.0.0.2', port: 53, expect: 'connects' },
    ];
    expect(validateScenario(def, 't')).toEqual(def);
  });

  it('names the path of a wrong port, a negative timeout and an unknown key', () => {
    const def = lab() as unknown as { probes: Record<string, unknown>[] };
    def.probes = [
      { name: 'u', from: 'a', kind: 'udp', to: '10.0.0.2', port: 65536, expect: 'connects' },
      {
        name: 't',
        from: 'a',
        kind: 'tcp',
        to: '10.0.0.2',
        port: 22,
        expect: 'fails',
        connectTimeoutMs: -1,
      },
      {
        name: 'v',
        from: 'a',
        kind: 'udp',
        to: '10.0.0.2',
        port: 53,
        expect: 'connects',
        url: 'http://x/',
      },
    ];
    const message = problemsOf(def);
    expect(message).toMatch(/probes\[0\]\.port: 65536 is out of range \(must be at most 65535\)/);
    expect(message).toMatch(
      /probes\[1\]\.connectTimeoutMs: -1 is out of range \(must be at least 1\)/,
    );
    expect(message).toMatch(/probes\[2\]\.url: unknown key/);
  });

  it('refuses a probe kind it does not know', () => {
    const def = lab() as unknown as { probes: Record<string, unknown>[] };
    def.probes = [
      { name: 's', from: 'a', kind: 'sctp', to: '10.0.0.2', port: 9, expect: 'connects' },
    ];
    expect(problemsOf(def)).toMatch(/probes\[0\]/);
  });
});

describe('flow matches and counts', () => {
  const flow = (extra: object) => ({ at: 'a:eth0', match: {}, ...extra });

  it('accepts ICMP, MAC, ethertype, VLAN and IP length matches, and counts', () => {
    const def = lab();
    def.flows = [
      {
        at: 'a:eth0',
        match: {
          icmp: { type: 'echo-request', code: 0 },
          srcMac: '02:AA:00:00:00:01',
          dstMac: '02:aa:00:00:00:02',
          ethertype: 0x0800,
          vlan: 10,
          ipLength: 84,
        },
        count: { exactly: 1 },
        bytes: { atLeast: 84, atMost: 84 },
      },
      { at: 'a:eth0', match: { icmp: { type: 3 } }, expect: 'seen', count: { atMost: 10 } },
    ];
    expect(validateScenario(def, 't')).toEqual(def);
  });

  it('names the path of a bad match field, and a count that contradicts itself or expect', () => {
    const def = lab() as unknown as { flows: unknown[] };
    def.flows = [
      flow({ match: { icmp: { type: 'echo', kode: 0 } }, expect: 'seen' }),
      flow({ match: { srcMac: '02:aa:00:00:00', vlan: 4096, ethertype: -1 }, expect: 'seen' }),
      flow({ count: { atLeast: 3, atMost: 2 } }),
      flow({ count: { exactly: -1 } }),
      flow({ count: { exactly: 1, atMost: 2 } }),
      flow({ bytes: {} }),
      flow({ expect: 'absent', count: { atMost: 2 } }),
      flow({ expect: 'seen', count: { exactly: 0 } }),
      flow({}),
    ];
    const message = problemsOf(def);
    expect(message).toMatch(/flows\[0\]\.match\.icmp\.type: /);
    expect(message).toMatch(/flows\[0\]\.match\.icmp\.kode: unknown key/);
    expect(message).toMatch(/flows\[1\]\.match\.srcMac: .*MAC address/);
    expect(message).toMatch(/flows\[1\]\.match\.vlan: 4096 is out of range/);
    expect(message).toMatch(/flows\[1\]\.match\.ethertype: -1 is out of range/);
    expect(message).toMatch(/flows\[2\]\.count: atLeast 3 is more than atMost 2/);
    expect(message).toMatch(/flows\[3\]\.count\.exactly: -1 is out of range/);
    expect(message).toMatch(/flows\[4\]\.count: exactly cannot go with atLeast or atMost/);
    expect(message).toMatch(/flows\[5\]\.bytes: give exactly, atLeast or atMost/);
    expect(message).toMatch(/flows\[6\]\.expect: 'absent' contradicts count/);
    expect(message).toMatch(/flows\[7\]\.expect: 'seen' contradicts count allowing only 0/);
    expect(message).toMatch(/flows\[8\]\.expect: give expect, count or bytes/);
  });
});

describe('the scenario-schema bad-input corpus, without root', () => {
  it.each(CASES)('$input: refused at load, naming the problem', async ({ argv, message }) => {
    const [name, , dir] = argv;
    await expect(loadScenario(name ?? '', dir)).rejects.toMatchObject({
      code: 'INVALID_SCENARIO',
      message: expect.stringMatching(message),
    });
  });
});
