// `natlab compare --scenarios DIR`: names are looked up in the user's directory, and every one loads
// before any lab is built. Nothing here needs root.

import { describe, expect, it } from 'vitest';
import { compare } from '../../src/cli/compare-command.ts';
import { fakeIo } from '../support/fake-io.ts';

describe('compare --scenarios', () => {
  it('looks names up in the directory given, and refuses an unknown one before running any', async () => {
    const { out, io } = fakeIo();
    const code = await compare(
      ['--scenarios', 'test/fixtures/run-many', 'hairpin-unfixed', 'hairpin-nft'],
      io,
    );
    expect(code).toBe(2);
    expect(out.stderr).toMatch(
      /unknown scenario "hairpin-nft"; known scenarios: bridge-nat-broute, dmz-subnet, hairpin-broken, hairpin-masquerade, hairpin-unfixed, rejected-ruleset/,
    );
    expect(out.stderr).not.toMatch(/\[1\/2\]/);
  });

  it('says so when the directory cannot be read', async () => {
    const { out, io } = fakeIo();
    expect(await compare(['--scenarios', 'test/fixtures/no-such-dir'], io)).toBe(2);
    expect(out.stderr).toMatch(/cannot read the scenario directory .*test\/fixtures\/no-such-dir/);
  });
});
