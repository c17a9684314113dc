// natlab/vitest on the real kernel, in a vitest of its own as a user's suite would run: a candidate
// ruleset replaces the NAT node's; a ruleset the kernel rejects fails the suite's `runs` test and
// every check with nft's own message; a run past its timeout is stopped, torn down, and says so.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab, namespacesOf, processesMentioning } from '../support/lab.ts';

const ROOT = resolve(import.meta.dirname, '../..');

const REJECTED = `import { defineScenario } from '${ROOT}/src/index.ts';

export default defineScenario({
  description: 'A router whose nft ruleset does not parse',
  nodes: {
    router: {
      kind: 'router',
      interfaces: { lan0: { addresses: ['10.9.0.1/24'] } },
      rulesets: [{ format: 'nft', text: 'table ip nat {\\n  chain x { no such statement }\\n}\\n' }],
    },
    pc: {
      kind: 'host',
      interfaces: { eth0: { addresses: ['10.9.0.10/24'] } },
      services: [{ kind: 'http', port: 80 }],
    },
  },
  links: [{ a: 'router:lan0', b: 'pc:eth0' }],
  probes: [{ name: 'self', from: 'pc', url: 'http://10.9.0.10/', expect: 'connects' }],
});
`;

/** A probe that waits 30 s for a host that never answers: far past the suite's 1.5 s timeout. */
const SLOW = `import { defineScenario } from '${ROOT}/src/index.ts';

export default defineScenario({
  description: 'A probe to an address nobody holds, waiting long',
  nodes: {
    pc: { kind: 'host', interfaces: { eth0: { addresses: ['10.9.0.10/24'] } } },
    other: { kind: 'host', interfaces: { eth0: { addresses: ['10.9.0.11/24'] } } },
  },
  links: [{ a: 'pc:eth0', b: 'other:eth0' }],
  probes: [
    { name: 'nobody', from: 'pc', url: 'http://10.9.0.99/', expect: 'fails', connectTimeoutMs: 30000 },
  ],
});
`;

const helper = `${ROOT}/src/vitest/index.ts`;
const TESTS = {
  'rejected.test.ts': `import { describeScenario } from '${helper}';\n\ndescribeScenario('scenarios/rejected.ts');\n`,
  'candidate.test.ts': `import { describeScenario } from '${helper}';\n\ndescribeScenario('${ROOT}/scenarios/hairpin.ts', { ruleset: '${ROOT}/test/fixtures/rulesets/mikrotik-fixed.rsc' });\n`,
  'slow.test.ts': `import { describeScenario } from '${helper}';\n\ndescribeScenario('scenarios/slow.ts', { timeout: 1500 });\n`,
};

interface Assertion {
  ancestorTitles: string[];
  title: string;
  status: string;
  failureMessages: string[];
}

describeLab('natlab/vitest suites on the real kernel', () => {
  let dir = '';
  let tests: Assertion[] = [];
  let exitCode: number | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'natlab-vitest-helper-'));
    await mkdir(join(dir, 'scenarios'));
    await mkdir(join(dir, 'test'));
    await writeFile(join(dir, 'scenarios/rejected.ts'), REJECTED);
    await writeFile(join(dir, 'scenarios/slow.ts'), SLOW);
    for (const [file, text] of Object.entries(TESTS))
      await writeFile(join(dir, 'test', file), text);
    await writeFile(join(dir, 'vitest.config.mjs'), 'export default {};\n');
    const report = join(dir, 'report.json');
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(VITEST|TEST|NODE_ENV)/.test(key)),
    );
    const run = await execa(
      join(ROOT, 'node_modules/.bin/vitest'),
      ['run', '--reporter=json', `--outputFile.json=${report}`],
      { cwd: dir, env, extendEnv: false, reject: false, timeout: 300_000 },
    );
    exitCode = run.exitCode;
    const json = JSON.parse(await readFile(report, 'utf8')) as {
      testResults: { assertionResults: Assertion[] }[];
    };
    tests = json.testResults.flatMap((file) => file.assertionResults);
  }, 320_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const of = (scenario: string) => tests.filter((t) => t.ancestorTitles[0] === scenario);

  it('runs the scenario with a candidate ruleset in place of its own', () => {
    const candidate = of('hairpin with mikrotik-fixed.rsc');
    expect(candidate.map((t) => t.title)).toContain('lan-client: client → 203.0.113.1:80 connects');
    for (const t of candidate) expect(`${t.title}: ${t.status}`).toMatch(/: passed$/);
  });

  it("fails `runs` and every check with the kernel's refusal of the ruleset", () => {
    expect(exitCode).toBe(1);
    const rejected = of('rejected');
    expect(rejected.map((t) => t.title)).toEqual([
      'runs',
      'self: pc → 10.9.0.10:80 connects',
      'kernel health: taint unchanged, no WARNING or BUG logged',
    ]);
    for (const t of rejected) {
      expect(t.status).toBe('failed');
      expect(t.failureMessages[0]).toMatch(/nft/);
      expect(t.failureMessages[0]).toMatch(/router/);
    }
  });

  it('stops a run past its timeout, tears it down and says so', async () => {
    const slow = of('slow');
    expect(slow.length).toBeGreaterThanOrEqual(2);
    const message = slow.find((t) => t.title === 'runs')?.failureMessages[0] ?? '';
    const runId = /\(run ([0-9a-f]+)\) took longer than 1500 ms; stopped and torn down/.exec(
      message,
    )?.[1];
    expect(runId, message).toBeDefined();
    for (const t of slow) expect(t.status).toBe('failed');
    expect(await namespacesOf(runId ?? '')).toEqual([]);
    expect(await processesMentioning(dir)).toEqual([]);
  });
});
