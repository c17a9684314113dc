#!/usr/bin/env bash
# The hairpin-masquerade lab written by hand, the figure `npm run bench` compares natlab's whole
# command with: the same namespaces, addresses and rules (scenarios/lib/hairpin-lab.ts), tcpdump on
# the client and the server, curl from remote and from the client, then everything torn down.
#
#   sudo bench/baseline-hairpin.sh            # exit 0 when both curls connect and the server saw
#                                             # 198.51.100.10 and 192.168.1.1 (the fix's masquerade)
#
# Bounded (it re-runs itself under `timeout 30`), cleans up on any exit (EXIT/INT/TERM trap: started
# processes killed by pid, namespaces deleted), never touches the root namespace (veth ends are born
# in their namespaces, sysctls and rules are set inside them), namespace names carry this script's
# pid and a random tag, so parallel runs and natlab's own nl-* runs cannot collide.

set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
if [ -z "${BASELINE_BOUNDED:-}" ]; then
  BASELINE_BOUNDED=1 exec timeout --kill-after=5 30 "$0" "$@"
fi

TAG="blh$$$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')"
NODES=(remote isp router lan server client)
OUT="$(mktemp -d "${TMPDIR:-/tmp}/baseline-hairpin-XXXXXX")"
PIDS=()

ns() { echo "$TAG-$1"; }
in_ns() {
  local node=$1
  shift
  ip netns exec "$(ns "$node")" "$@"
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for node in "${NODES[@]}"; do
    [ -e "/run/netns/$(ns "$node")" ] && ip netns del "$(ns "$node")"
  done
  rm -rf "$OUT"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits (bounded, 5 s) until FILE contains PATTERN.
wait_for() {
  local file=$1 pattern=$2
  for _ in $(seq 1 500); do
    grep -q "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.01
  done
  echo "baseline: no '$pattern' in $file after 5 s" >&2
  cat "$file" >&2
  return 1
}

# Namespaces and veths, each end created in its namespace.
ip -batch - <<EOF
$(for node in "${NODES[@]}"; do echo "netns add $(ns "$node")"; done)
link add name eth0 netns $(ns remote) type veth peer name eth0 netns $(ns isp)
link add name eth1 netns $(ns isp) type veth peer name wan0 netns $(ns router)
link add name lan0 netns $(ns router) type veth peer name router netns $(ns lan)
link add name eth0 netns $(ns client) type veth peer name client netns $(ns lan)
link add name eth0 netns $(ns server) type veth peer name server netns $(ns lan)
EOF

for node in "${NODES[@]}"; do
  in_ns "$node" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
in_ns isp sysctl -q -w net.ipv4.ip_forward=1
in_ns router sysctl -q -w net.ipv4.ip_forward=1

ip -n "$(ns remote)" -batch - <<EOF
link set dev lo up
addr add 198.51.100.10/24 dev eth0
link set dev eth0 up
route add default via 198.51.100.1
EOF
ip -n "$(ns isp)" -batch - <<EOF
link set dev lo up
addr add 198.51.100.1/24 dev eth0
addr add 203.0.113.254/24 dev eth1
link set dev eth0 up
link set dev eth1 up
EOF
ip -n "$(ns router)" -batch - <<EOF
link set dev lo up
addr add 203.0.113.1/24 dev wan0
addr add 192.168.1.1/24 dev lan0
link set dev wan0 up
link set dev lan0 up
route add default via 203.0.113.254
EOF
for host in server:192.168.1.2 client:192.168.1.10; do
  ip -n "$(ns "${host%%:*}")" -batch - <<EOF
link set dev lo up
addr add ${host#*:}/24 dev eth0
link set dev eth0 up
route add default via 192.168.1.1
EOF
done
# The switch: ports enslaved and up first, the bridge last, so it opens with carrier on its ports.
ip -n "$(ns lan)" -batch - <<EOF
link set dev lo up
link add name br0 type bridge
link set dev router master br0
link set dev client master br0
link set dev server master br0
link set dev router up
link set dev client up
link set dev server up
link set dev br0 up
EOF
for _ in $(seq 1 300); do
  [ "$(ip -n "$(ns lan)" -d link show master br0 | grep -c 'state forwarding')" = 3 ] && break
  sleep 0.01
done

# The port forward and the hairpin fix, as in scenarios/hairpin-masquerade.ts.
in_ns router iptables-restore <<'EOF'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 203.0.113.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 192.168.1.2
-A POSTROUTING -o wan0 -j MASQUERADE
-A POSTROUTING -s 192.168.1.0/24 -d 192.168.1.2/32 -p tcp -m tcp --dport 80 -o lan0 -j MASQUERADE
COMMIT
EOF

# Captures and the HTTP server, started together, each awaited until it listens.
# A simple command in the background: $! is ip netns exec, which becomes tcpdump in place.
CAPTURES=()
for node in client server; do
  ip netns exec "$(ns "$node")" tcpdump -i eth0 -w "$OUT/$node-eth0.pcap" -U --immediate-mode \
    -n -Z root 2>"$OUT/$node-tcpdump.log" &
  CAPTURES+=($!)
done
PIDS+=("${CAPTURES[@]}")
ip netns exec "$(ns server)" /usr/bin/python3 -u -m http.server 80 --bind 0.0.0.0 \
  --directory "$OUT" >"$OUT/http.log" 2>&1 &
PIDS+=($!)
wait_for "$OUT/client-tcpdump.log" 'listening on'
wait_for "$OUT/server-tcpdump.log" 'listening on'
wait_for "$OUT/http.log" 'Serving HTTP'

status=0
for node in remote client; do
  if ! in_ns "$node" curl --silent --show-error --globoff --noproxy '*' --connect-timeout 5 \
    --max-time 10 --output /dev/null http://203.0.113.1/; then
    echo "baseline: curl from $node failed" >&2
    status=1
  fi
done
for seen in 198.51.100.10 192.168.1.1; do
  if ! grep -q "^$seen - " "$OUT/http.log"; then
    echo "baseline: the server never saw $seen" >&2
    status=1
  fi
done

# Captures stopped (SIGTERM: tcpdump flushes and prints its counts) before the teardown.
for pid in "${CAPTURES[@]}"; do kill -TERM "$pid" && wait "$pid" || true; done
grep -h 'packets captured' "$OUT"/*-tcpdump.log | paste -sd' ' | sed 's/^/baseline: /'
exit "$status"
