// The bad-input corpus (test/fixtures/bad-input/cases/*.ts), and one case run through natlab's
// CLI in-process: its exit code, its stderr, and whatever it left behind.

import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { type Io, main } from '../../src/cli/main.ts';
import { LEDGER_DIR } from '../../src/system/run-ledger.ts';
import type { BadInputCase } from '../fixtures/bad-input/cases/case.ts';

const CASE_DIR = join(import.meta.dirname, '../fixtures/bad-input/cases');

export type Case = BadInputCase & { category: string; id: string };

export interface CaseOutcome {
  code: number;
  stderr: string;
  /** Namespaces, ledger entries and temp dirs that were not there before the case. */
  leftBehind: string[];
}

/** Every case file's cases, tagged with the file (its category). */
export async function loadCases(): Promise<Case[]> {
  const files = (await readdir(CASE_DIR)).filter((f) => f.endsWith('.ts') && f !== 'case.ts');
  const all: Case[] = [];
  for (const file of files.sort()) {
    const { CASES } = (await import(join(CASE_DIR, file))) as { CASES: BadInputCase[] };
    const category = file.slice(0, -3);
    all.push(...CASES.map((c) => ({ ...c, category, id: `${category}: ${c.input}` })));
  }
  return all;
}

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

export async function runCase(c: Case): Promise<CaseOutcome> {
  const before = new Set(await leftovers());
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(c.argv, { stdout, stderr } as unknown as Io);
  // Namespaces and ledger entries are named by run id, which a run prints before it makes any:
  // those of other tests running meanwhile are not this case's.
  const runIds = [...stderr.text.matchAll(/\brun ([0-9a-f]{6})\b/g)].map((m) => m[1] ?? '');
  // A run's directory is natlab-SCENARIO-XXXXXX: those of other scenarios, made meanwhile by other
  // tests, are not this case's either.
  const runDirs = c.argv
    .filter((a) => !a.startsWith('-'))
    .map((a) => `${tmpdir()}/natlab-${basename(a).replace(/\.[cm]?[jt]s$/, '')}-`);
  const leftBehind = (await leftovers()).filter(
    (l) =>
      !before.has(l) &&
      (runDirs.some((dir) => l.startsWith(dir)) || runIds.some((id) => l.includes(id))),
  );
  return { code, stderr: stderr.text, leftBehind };
}
