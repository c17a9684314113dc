#!/bin/busybox sh
# natlab guest, stage 1: PID 1 of the initramfs natlab builds. Loads the boot modules, lays a tmpfs
# overlay on the host's root (9p, read-only), mounts the kernel's module tree and the directory shared
# with the host, and switches into that root. Lines starting "natlab-guest:" are read by the host.
/bin/busybox mkdir -p /proc /sys /dev /bin
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s /bin
export PATH=/bin
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

fail() {
  echo "natlab-guest: failed: $*"
  poweroff -f
}

for arg in $(cat /proc/cmdline); do
  case "$arg" in
    natlab.shared=*) SHARED="${arg#*=}" ;;
    natlab.project=*) PROJECT="${arg#*=}" ;;
    natlab.node=*) NODE="${arg#*=}" ;;
    natlab.entry=*) ENTRY="${arg#*=}" ;;
    natlab.probe) PROBE=1 ;;
  esac
done
echo "natlab-guest: booted $(uname -r)"

while read -r module; do
  insmod "/modules/$module" || fail "insmod $module"
done < /modules/order
[ -n "$PROBE" ] && poweroff -f

NINEP="trans=virtio,version=9p2000.L,msize=262144"
mkdir -p /lower /rw /newroot
mount -t 9p -o "$NINEP,ro,cache=loose" natlab-root /lower || fail "mount the host root (9p)"
mount -t tmpfs -o mode=0755 tmpfs /rw || fail "mount tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
  fail "mount the overlay"
mount -t proc proc /newroot/proc
mount -t sysfs sys /newroot/sys
mount -t devtmpfs dev /newroot/dev
mount -t tmpfs -o mode=0755 tmpfs /newroot/run
MODULES="/newroot/lib/modules/$(uname -r)"
mkdir -p "$MODULES" "/newroot$SHARED" /newroot/run/natlab-guest
mount -t 9p -o "$NINEP,ro" natlab-modules "$MODULES" || fail "mount the module tree (9p)"
mount -t 9p -o "$NINEP" natlab-shared "/newroot$SHARED" || fail "mount the shared directory (9p)"
cp /bin/busybox /stage2.sh /newroot/run/natlab-guest/
# /tmp stays the overlay of the host's: tsx's transform cache there spares the guest ~15 s.
# switch_root from PID 1, not chroot from a child: the kernel's modprobe helper shares PID 1's root.
exec switch_root /newroot /run/natlab-guest/busybox sh /run/natlab-guest/stage2.sh \
  "$NODE" "$PROJECT" "$SHARED" "$ENTRY"
