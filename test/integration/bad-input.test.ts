// The bad-input corpus: every malformed input natlab takes (scenario files, rulesets, pcaps, CLI
// arguments), each with its exit code and a fragment of the message that must name the problem.
// Every case: no stack trace, and nothing left behind (namespaces, ledger entries, temp dirs).

import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { EXIT, type Io, main } from '../../src/cli/main.ts';
import { LEDGER_DIR } from '../../src/system/run-ledger.ts';
import type { BadInputCase } from '../fixtures/bad-input/cases/case.ts';
import { describeLab } from '../support/lab.ts';

const CASE_DIR = 'test/fixtures/bad-input/cases';

/** Every case file's cases, tagged with the file (its category). */
async function loadCases(): Promise<(BadInputCase & { category: string })[]> {
  const files = (await readdir(CASE_DIR)).filter((f) => f.endsWith('.ts') && f !== 'case.ts');
  const all = [];
  for (const file of files.sort()) {
    const { CASES } = (await import(`../../${CASE_DIR}/${file}`)) as { CASES: BadInputCase[] };
    all.push(...CASES.map((c) => ({ ...c, category: file.slice(0, -3) })));
  }
  return all;
}

const CASES = await loadCases();

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function leftovers(): Promise<string[]> {
  const list = (dir: string, prefix: string) =>
    readdir(dir).then(
      (names) => names.filter((n) => n.startsWith(prefix)).map((n) => `${dir}/${n}`),
      () => [] as string[],
    );
  return [
    ...(await list('/run/netns', 'nl-')),
    ...(await list(LEDGER_DIR, '')),
    ...(await list(tmpdir(), 'natlab-')),
  ];
}

describeLab('the bad-input corpus', () => {
  it('holds at least 30 malformed inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)(
    '$category: $input: exit $exit, names the problem, leaves nothing',
    async ({ argv, exit, message }) => {
      const before = await leftovers();
      const stdout = new Capture();
      const stderr = new Capture();
      const code = await main(argv, { stdout, stderr } as unknown as Io);
      expect({ code, stderr: stderr.text }).toMatchObject({ code: exit });
      expect(stderr.text).toMatch(message);
      // A user error is a message, never a stack.
      expect(stderr.text).not.toMatch(/^\s+at /m);
      // Nothing new; a run may prune old temporary directories of dead runs (KEPT_RUN_DIRS).
      expect((await leftovers()).filter((left) => !before.includes(left))).toEqual([]);
      expect(exit).not.toBe(EXIT.pass);
    },
  );
});
