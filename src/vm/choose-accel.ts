// KVM when it really works, TCG otherwise. /dev/kvm can exist while KVM hangs (nested
// virtualisation), so a short probe boot decides; its answer is kept for the host's current boot.

import { access, constants, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NatlabError } from '../errors.ts';
import { bootGuest } from './boot-guest.ts';
import { cacheDir } from './kernel-cache.ts';
import { type Accel, guestCommandLine, type QemuOptions } from './qemu-argv.ts';

export interface AccelChoice {
  accel: Accel;
  reason: string;
  /** This call booted the probe (false: no /dev/kvm, or the answer was kept). */
  probed: boolean;
}

const PROBE_TIMEOUT_MS = 10_000;

export async function chooseAccel(
  qemu: Omit<QemuOptions, 'accel' | 'append' | 'shares'>,
  signal?: AbortSignal,
): Promise<AccelChoice> {
  const usable = await access('/dev/kvm', constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!usable) return { accel: 'tcg', reason: 'no usable /dev/kvm', probed: false };
  const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  const file = join(cacheDir(), 'accel.json');
  const saved = await readFile(file, 'utf8')
    .then((t) => JSON.parse(t) as Omit<AccelChoice, 'probed'> & { bootId: string })
    .catch(() => undefined);
  if (saved?.bootId === bootId) {
    return {
      accel: saved.accel,
      reason: `${saved.reason} (probed earlier since this host booted)`,
      probed: false,
    };
  }
  const choice = await probeKvm(qemu, signal);
  await mkdir(cacheDir(), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify({ accel: choice.accel, reason: choice.reason, bootId })}\n`,
  );
  return choice;
}

async function probeKvm(
  qemu: Omit<QemuOptions, 'accel' | 'append' | 'shares'>,
  signal?: AbortSignal,
): Promise<AccelChoice> {
  try {
    const exit = await bootGuest({
      qemu: { ...qemu, accel: 'kvm', append: guestCommandLine({ probe: true }, []), shares: [] },
      label: 'KVM probe',
      bootTimeoutMs: PROBE_TIMEOUT_MS,
      timeoutMs: PROBE_TIMEOUT_MS,
      signal,
    });
    return { accel: 'kvm', reason: `KVM booted a probe guest in ${exit.bootMs} ms`, probed: true };
  } catch (error) {
    if (error instanceof NatlabError && error.code === 'INTERRUPTED') throw error;
    const why = error instanceof NatlabError ? error.shortMessage : String(error);
    return {
      accel: 'tcg',
      reason: `KVM failed a ${PROBE_TIMEOUT_MS / 1000} s probe boot (${why})`,
      probed: true,
    };
  }
}
