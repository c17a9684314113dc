# natlab guest, stage 2: PID 1 in the overlay root. Runs cli/guest-run ($4: dist's .js, or src's .ts
# through tsx) with the host's node and project, then powers off; the results are in the shared
# directory ($3).
BUSYBOX=/run/natlab-guest/busybox
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
cd "$2" || $BUSYBOX poweroff -f
# What a lab autoloads on first use (veth, bridge, netfilter's NAT), loaded from the 9p module tree
# while node starts, instead of one by one inside the build and rules steps. Never br_netfilter:
# loading it changes how bridges behave, so natlab loads it only for a scenario that needs it.
modprobe -q -a veth bridge nf_tables nft_compat nft_chain_nat nft_nat nft_masq xt_MASQUERADE \
  xt_nat xt_tcpudp xt_conntrack nf_conntrack_netlink 2>/dev/null &
echo "natlab-guest: running natlab"
case "$4" in
  *.js) "$1" "$4" "$3" ;;
  *) "$1" --import tsx "$4" "$3" ;;
esac
echo "natlab-guest: natlab exited $?"
$BUSYBOX sync
$BUSYBOX poweroff -f
