// The bad-input corpus: every malformed input natlab takes (scenario files, rulesets, pcaps, CLI
// arguments), each with its exit code and a fragment of the message that must name the problem.
// Every case: no stack trace, and nothing left behind (namespaces, ledger entries, temp dirs).
// Cases refused before any lab exists run without root: as root, as the user nobody (proving it);
// otherwise as whoever runs the tests. Cases marked root run only where the lab tests do.

import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasLabCapabilities } from '../../src/preflight/check-environment.ts';
import { type Case, type CaseOutcome, loadCases, runCase } from '../support/bad-input.ts';
import { AS_NOBODY, describeLab } from '../support/lab.ts';

const CASES = await loadCases();

function expectRefused(c: Case, { code, stderr, leftBehind }: CaseOutcome): void {
  expect({ code, stderr }).toMatchObject({ code: c.exit });
  expect(stderr).toMatch(c.message);
  // A user error is a message, never a stack.
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(leftBehind).toEqual([]);
}

const ROOT_FREE = CASES.filter((c) => !c.root);
// Most cases load a scenario in a child of their own: about 0.5 s each, 2.5 s on average on the
// loaded development machine; twice that, plus node's start.
const NOBODY_MS = 60_000 + 5_000 * ROOT_FREE.length;

/** Every root-free case, in one child process as nobody: each case's outcome, or why it has none. */
async function runAsNobody(): Promise<Map<string, CaseOutcome | string>> {
  const tmp = await mkdtemp(join(tmpdir(), 'nobody-'));
  await chmod(tmp, 0o777);
  const [setpriv, ...asNobody] = AS_NOBODY;
  const run = await execa(
    setpriv,
    [...asNobody, process.execPath, '--import', 'tsx', 'test/support/bad-input-without-root.ts'],
    // A temp dir of its own: what it leaves there is its own, not another test's.
    {
      cwd: resolve(import.meta.dirname, '../..'),
      timeout: NOBODY_MS,
      reject: false,
      env: { TMPDIR: tmp },
    },
  );
  const outcomes = new Map<string, CaseOutcome | string>();
  for (const line of String(run.stdout).split('\n').filter(Boolean)) {
    const { id, ...outcome } = JSON.parse(line) as CaseOutcome & { id: string };
    outcomes.set(id, outcome);
  }
  for (const c of ROOT_FREE)
    if (!outcomes.has(c.id))
      outcomes.set(c.id, `did not run as nobody: ${run.shortMessage ?? ''}\n${run.stderr}`);
  return outcomes;
}

describe('the bad-input corpus, without root', () => {
  let asNobody: Map<string, CaseOutcome | string> | undefined;
  beforeAll(async () => {
    if (await hasLabCapabilities()) asNobody = await runAsNobody();
  }, NOBODY_MS + 10_000);

  it.each(ROOT_FREE)(
    '$category: $input: exit $exit, names the problem, leaves nothing',
    async (c) => {
      const outcome = asNobody ? asNobody.get(c.id) : await runCase(c);
      if (typeof outcome !== 'object') throw new Error(outcome);
      expectRefused(c, outcome);
    },
  );
});

describeLab('the bad-input corpus, as root', () => {
  it.each(CASES.filter((c) => c.root))(
    '$category: $input: exit $exit, names the problem, leaves nothing',
    async (c) => expectRefused(c, await runCase(c)),
  );
});
