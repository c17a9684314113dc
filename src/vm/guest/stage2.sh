# natlab guest, stage 2: PID 1 in the overlay root. Runs the natlab CLI (src/vm/guest-run.ts) with
# the host's node and project, then powers off; the result is in the shared directory.
BUSYBOX=/run/natlab-guest/busybox
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
cd "$2" || $BUSYBOX poweroff -f
echo "natlab-guest: running natlab"
"$1" --import tsx "$2/src/vm/guest-run.ts" "$3"
echo "natlab-guest: natlab exited $?"
$BUSYBOX sync
$BUSYBOX poweroff -f
