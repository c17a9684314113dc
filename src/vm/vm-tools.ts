// What booting another kernel needs on the host; installed by the project's own setup script when
// missing and natlab runs as root, as `npm run scenario` does for the lab tools.

import { NatlabError } from '../errors.ts';
import {
  ensureSbinOnPath,
  findMissingTools,
  hasLabCapabilities,
} from '../preflight/check-environment.ts';
import { runCommand } from '../system/run-command.ts';
import { findStaticBusybox } from './build-initramfs.ts';

const VM_TOOLS = ['qemu-system-x86_64', 'depmod', 'dpkg-deb', 'apt-get'];
const SETUP = new URL('../../scripts/setup.sh', import.meta.url).pathname;

async function missingVmTools(): Promise<string[]> {
  const missing = await findMissingTools(VM_TOOLS);
  return (await findStaticBusybox()) ? missing : [...missing, 'a static busybox'];
}

export async function ensureVmTools(say: (line: string) => void, signal?: AbortSignal) {
  ensureSbinOnPath();
  let missing = await missingVmTools();
  if (missing.length === 0) return;
  if (await hasLabCapabilities()) {
    say(
      `installing what a guest kernel needs (${missing.join(', ')}): scripts/setup.sh --vm-tools`,
    );
    await runCommand(['bash', SETUP, '--system-only', '--vm-tools'], {
      action: 'install the VM tools',
      stage: 'vm',
      timeoutMs: 1_800_000,
      signal,
    });
    missing = await missingVmTools();
  }
  if (missing.length > 0) {
    throw new NatlabError(
      `booting another kernel needs ${missing.join(', ')}: run natlab setup --vm-tools as root (Debian packages qemu-system-x86, busybox-static, kmod)`,
      { code: 'MISSING_TOOL', stage: 'vm' },
    );
  }
}
