// Run by test/integration/root-fingerprint.test.ts inside fresh network, UTS and mount namespaces
// (unshare), never the root's: takes the fingerprint twice with nothing changed, then changes a
// link, an address, a net.* and a kernel.* sysctl and takes it again. Prints both diffs as JSON.

import { access, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { ensureSbinOnPath } from '../../src/preflight/check-environment.ts';
import { fingerprintChanges, rootFingerprint } from './root-fingerprint.ts';

ensureSbinOnPath();
// Parallel runs add and remove namespaces in /run/netns: this copy of it stays empty.
if (
  await access('/run/netns').then(
    () => true,
    () => false,
  )
)
  await execa('mount', ['-t', 'tmpfs', 'tmpfs', '/run/netns'], { timeout: 10_000 });
const first = await rootFingerprint();
const quiet = fingerprintChanges(first, await rootFingerprint());
await execa('ip', ['link', 'add', 'fp0', 'type', 'bridge'], { timeout: 10_000 });
await execa('ip', ['addr', 'add', '192.0.2.1/24', 'dev', 'fp0'], { timeout: 10_000 });
await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
await writeFile('/proc/sys/kernel/hostname', 'natlab-fingerprint');
const changed = fingerprintChanges(first, await rootFingerprint());
process.stdout.write(JSON.stringify({ quiet, changed }));
