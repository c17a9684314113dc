// `natlab setup [--vm-tools]`: installs the Debian packages natlab drives (iproute2, nftables,
// tcpdump, curl, ...; with --vm-tools qemu and busybox for --kernel). System packages only
// (setup.sh --system-only): an installed copy's node_modules are the user's, never natlab's to fill.

import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Io } from './exit.ts';

const SETUP = fileURLToPath(new URL('../../scripts/setup.sh', import.meta.url));
const FLAGS = ['--vm-tools'];

export async function setupCommand(args: string[], io: Io): Promise<number> {
  const unknown = args.find((a) => !FLAGS.includes(a));
  if (unknown !== undefined || args.length > 1) {
    io.stderr.write(`natlab setup: takes only --vm-tools${unknown ? `, not "${unknown}"` : ''}\n`);
    return 2;
  }
  // apt-get may take minutes on a slow mirror; setup.sh bounds each apt step itself.
  const result = await execa('bash', [SETUP, '--system-only', ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
    reject: false,
    timeout: 1_800_000,
  });
  return result.exitCode === 0 ? 0 : 2;
}
