// Runs without --out: the directory natlab chose is printed, holds the run's files and is marked as
// a run directory (so only such directories are ever pruned); candidate runs share one.

import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeLab, natlabCli } from '../support/lab.ts';

const _ROOT = resolve(import.meta.dirname, '../..');
const cli = (args: string[]) => natlabCli(args, { timeout: 120_000 });

describeLab('output directories natlab chooses', () => {
  it('a run prints its directory, which holds its pcaps and result and names its process', async () => {
    const child = cli(['hairpin-broken']);
    const run = await child;
    expect(run.exitCode).toBe(0);
    const dir = /pcaps and result: (\S+)/.exec(run.stdout)?.[1];
    expect(dir?.startsWith(join(tmpdir(), 'natlab-hairpin-broken-'))).toBe(true);
    expect(dir).toBeDefined();
    try {
      const files = await readdir(dir ?? '');
      expect(files).toEqual(expect.arrayContaining(['result.json', 'report.html', '.natlab-run']));
      expect(files.some((f) => f.endsWith('.pcap'))).toBe(true);
      expect(Number.parseInt(await readFile(join(dir ?? '', '.natlab-run'), 'utf8'), 10)).toBe(
        child.pid,
      );
    } finally {
      await rm(dir ?? '', { recursive: true, force: true });
    }
  });

  it('candidate runs print the one directory that holds each candidate', async () => {
    const run = await cli([
      'hairpin',
      '--ruleset',
      'test/fixtures/rulesets/mikrotik-fixed.rsc',
      '--ruleset',
      'test/fixtures/rulesets/mikrotik-broken.rsc',
    ]);
    expect(run.exitCode).toBe(0);
    const dir = /pcaps and results of each candidate: (\S+)/.exec(run.stdout)?.[1];
    expect(dir?.startsWith(join(tmpdir(), 'natlab-hairpin-candidates-'))).toBe(true);
    expect(dir).toBeDefined();
    try {
      expect((await readdir(dir ?? '')).sort()).toEqual([
        '.natlab-run',
        '1-mikrotik-fixed.rsc',
        '2-mikrotik-broken.rsc',
      ]);
      const pcaps = await readdir(join(dir ?? '', '1-mikrotik-fixed.rsc'));
      expect(pcaps.some((f) => f.endsWith('.pcap'))).toBe(true);
    } finally {
      await rm(dir ?? '', { recursive: true, force: true });
    }
  });
});
