# natlab guest, stage 2: PID 1 in the overlay root. Runs cli/guest-run ($4: dist's .js, or src's .ts
# through tsx) with the host's node and project, then powers off; the results are in the shared
# directory ($3).
BUSYBOX=/run/natlab-guest/busybox
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
cd "$2" || $BUSYBOX poweroff -f
echo "natlab-guest: running natlab"
case "$4" in
  *.js) "$1" "$4" "$3" ;;
  *) "$1" --import tsx "$4" "$3" ;;
esac
echo "natlab-guest: natlab exited $?"
$BUSYBOX sync
$BUSYBOX poweroff -f
