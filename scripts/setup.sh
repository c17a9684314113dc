#!/usr/bin/env bash
# Makes a fresh Debian/Ubuntu clone runnable: Debian packages natlab drives, then node_modules.
# Quick when everything is present: it only looks, and installs what is missing.
# --node-only: skip the system packages (for commands that need none).
# --test-tools: also what only the tests use: Debian's chromium (with a font) to load report.html,
#   tshark (with mergecap) to cross-check the decoder, and Mininet (without Open vSwitch) for the
#   --backend mininet parity test.
# --bench-tools: also Mininet and brctl (for plain mn --switch lxbr), which npm run bench compares with.
# --vm-tools: also what --kernel needs to boot another kernel: qemu, a static busybox for the guest's
#   initramfs, and depmod to index a fetched kernel's modules. --test-tools and --bench-tools
#   include them.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package (dnsmasq-base: the binary without a system service on port 53)
declare -A PACKAGES=(
  [ip]=iproute2 [iptables]=iptables [nft]=nftables [ebtables]=ebtables [tcpdump]=tcpdump
  [curl]=curl [conntrack]=conntrack [ping]=iputils-ping [sysctl]=procps [dnsmasq]=dnsmasq-base
)

find_tool() { PATH="$PATH:/usr/sbin:/sbin" command -v "$1" >/dev/null 2>&1; }

if [[ "${1:-}" != "--node-only" ]]; then
  missing=()
  for tool in "${!PACKAGES[@]}"; do find_tool "$tool" || missing+=("${PACKAGES[$tool]}"); done
  if [[ "${1:-}" == "--test-tools" || "${1:-}" == "--bench-tools" ]]; then
    find_tool mn || missing+=(mininet)
  fi
  if [[ "${1:-}" == "--bench-tools" ]]; then
    find_tool brctl || missing+=(bridge-utils)
  fi
  if [[ "${1:-}" == "--test-tools" || "${1:-}" == "--vm-tools" || "${1:-}" == "--bench-tools" ]]; then
    find_tool qemu-system-x86_64 || missing+=(qemu-system-x86)
    dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
      missing+=(busybox-static)
    find_tool depmod || missing+=(kmod)
  fi
  if [[ "${1:-}" == "--test-tools" ]]; then
    find_tool chromium || missing+=(chromium fonts-dejavu-core)
    find_tool tshark || missing+=(tshark)
  fi
  if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -ne 0 ]]; then
      echo "natlab setup: missing packages: ${missing[*]} (run as root to install them)" >&2
    elif ! command -v apt-get >/dev/null; then
      echo "natlab setup: missing packages: ${missing[*]}, and no apt-get to install them" >&2
    else
      echo "natlab setup: installing ${missing[*]}" >&2
      export DEBIAN_FRONTEND=noninteractive
      timeout 600 apt-get update -qq >&2
      timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    fi
  fi
fi

# node_modules, when absent or older than the lock file.
if [[ ! -d node_modules/.bin || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "natlab setup: installing node_modules" >&2
  # npm install, not npm ci: it keeps the lock's versions but tolerates a lock written on another
  # platform without that platform's optional packages (biome's binaries).
  timeout 600 npm install --no-audit --no-fund >&2
fi
