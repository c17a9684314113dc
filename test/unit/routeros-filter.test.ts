// RouterOS `/ip firewall filter` exports translated to nft, one case per file in the manner of
// firewall4's tests: test/fixtures/routeros-filter/NAME.txt holds a description, the export (or the
// fixture file it reads) and the nft expected (or the error expected), side by side.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/candidates/load-candidate.ts';
import { routerOsToNft } from '../../src/candidates/routeros/translate-routeros.ts';

const DIR = new URL('../fixtures/routeros-filter', import.meta.url).pathname;

/** The catalog's RouterOS names (hairpinNat), and a dmz for the list case. */
const maps = {
  interfaces: {
    ether1: 'wan0',
    ether2: 'lan0',
    bridge: 'lan0',
    dmz: 'dmz0',
    WAN: 'wan0',
    LAN: 'lan0',
  },
  interfaceLists: { WAN: ['wan0'], LAN: ['lan0'] },
};

function readCase(file: string) {
  const text = readFileSync(join(DIR, file), 'utf8');
  const parts = text.split(/^-- (export|export file|expect nft|expect error) --\n/m);
  const section = (name: string) => {
    const at = parts.indexOf(name);
    return at < 0 ? undefined : (parts[at + 1] ?? '');
  };
  const fromFile = section('export file')?.trim();
  return {
    name: file.replace(/\.txt$/, ''),
    source: fromFile ? readFileSync(fromFile, 'utf8') : (section('export') ?? ''),
    nft: section('expect nft'),
    error: section('expect error')?.trim(),
  };
}

const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map(readCase);

describe('RouterOS firewall filter to nft', () => {
  it('has its cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(9);
    for (const c of cases) expect(c.nft ?? c.error, c.name).toBeDefined();
  });

  for (const c of cases) {
    it(c.name, () => {
      const translate = () => routerOsToNft(c.source, maps);
      if (c.error !== undefined) expect(translate).toThrow(c.error);
      else expect(translate()).toBe(c.nft);
    });
  }

  it('every case is a RouterOS export to format detection', () => {
    for (const c of cases) expect(detectFormat(c.source), c.name).toBe('routeros');
  });
});
