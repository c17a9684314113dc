// The root-namespace fingerprint the whole suite runs inside (test/support/global-setup.ts), on
// the real kernel: quiet when nothing changes, and it sees a link, an address, a net.* and a
// kernel.* sysctl change. Taken in throwaway namespaces (unshare), never in the root's.

import { resolve } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { describeLab } from '../support/lab.ts';

describeLab('the root-namespace fingerprint', () => {
  it('reports nothing on a quiet namespace, and every kind of change made there', async () => {
    const run = await execa(
      'unshare',
      [
        '--net',
        '--uts',
        '--mount',
        '--propagation',
        'private',
        process.execPath,
        '--import',
        'tsx',
        'test/support/fingerprint-in-scratch.ts',
      ],
      { cwd: resolve(import.meta.dirname, '../..'), timeout: 60_000 },
    );
    const { quiet, changed } = JSON.parse(String(run.stdout)) as Record<string, string[]>;
    expect(quiet).toEqual([]);
    expect(changed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\+ ip -o link show: \d+: fp0: /),
        expect.stringMatching(/^\+ ip -o addr show: \d+: fp0\s+inet 192\.0\.2\.1\/24/),
        'sysctl net.ipv4.ip_forward: 0 -> 1',
        expect.stringMatching(/^sysctl kernel\.hostname: .* -> natlab-fingerprint$/),
      ]),
    );
  });
});
