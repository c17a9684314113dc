// The qemu command line for a natlab guest: no network device, no disk, no display; the serial
// console on stdout; the host's root, the module tree and the shared directory over 9p.

export type Accel = 'kvm' | 'tcg';

export interface Share {
  tag: string;
  path: string;
  readonly: boolean;
}

export interface QemuOptions {
  accel: Accel;
  image: string;
  initramfs: string;
  /** Kernel command line words. */
  append: readonly string[];
  shares: readonly Share[];
  memoryMb: number;
  cpus: number;
}

export function qemuArgv(o: QemuOptions): string[] {
  // qemu's option syntax doubles a comma inside a value.
  const value = (s: string) => s.replaceAll(',', ',,');
  return [
    'qemu-system-x86_64',
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-no-reboot',
    '-accel',
    o.accel,
    '-cpu',
    o.accel === 'kvm' ? 'host' : 'max',
    '-smp',
    String(o.cpus),
    '-m',
    String(o.memoryMb),
    '-kernel',
    o.image,
    '-initrd',
    o.initramfs,
    '-append',
    o.append.join(' '),
    '-chardev',
    'stdio,id=console,signal=off',
    '-serial',
    'chardev:console',
    ...o.shares.flatMap((s) => [
      '-virtfs',
      `local,path=${value(s.path)},mount_tag=${s.tag},security_model=none,multidevs=remap${s.readonly ? ',readonly=on' : ''}`,
    ]),
  ];
}

/** Kernel command line for the guest; `natlab.*` words are read by guest/init.sh. */
export function guestCommandLine(
  params: Record<string, string | true>,
  extra: readonly string[],
): string[] {
  return [
    // Not quiet: the console tail is what explains a guest that hung or panicked.
    'console=ttyS0',
    // A panic reboots at once, and -no-reboot turns that into qemu exiting.
    'panic=-1',
    'rdinit=/init',
    // Under TCG on a busy host the IO-APIC timer check can miss its ticks and panic the boot.
    'no_timer_check',
    ...Object.entries(params).map(([k, v]) => (v === true ? `natlab.${k}` : `natlab.${k}=${v}`)),
    ...extra,
  ];
}
