#!/usr/bin/env bash
# Makes a fresh Debian/Ubuntu clone runnable: Debian packages natlab drives, then node_modules.
# Free when nothing changed: a marker of the last successful check, newer than package-lock.json
# and this script, skips the check entirely (no apt, no npm, no probing). Otherwise it looks, and
# installs only what is missing. Delete node_modules/.natlab-setup/ to force a new check.
# Levels, each including the one before:
#   --node-only: node_modules only (for commands that need no system package).
#   (none): the tools a scenario drives.
#   --vm-tools: also what --kernel needs to boot another kernel: qemu, a static busybox for the
#     guest's initramfs, depmod to index a fetched kernel's modules, xz and zstd to unpack them.
#   --bench-tools: also Mininet, with bridge-utils (brctl) for its LinuxBridge switches, which
#     --backend mininet and npm run bench use.
#   --test-tools: also what only the tests use: Debian's chromium (with a font) to load
#     report.html, and tshark (with mergecap) to cross-check the decoder.
# --system-only (first, before a level): the system packages alone, always checked, no marker and
#   no node_modules: for `natlab setup` in an installed copy, whose node_modules are the user's.
set -euo pipefail
cd "$(dirname "$0")/.."

LEVELS=(--node-only '' --vm-tools --bench-tools --test-tools)
system_only=0
if [[ "${1:-}" == "--system-only" ]]; then
  system_only=1
  shift
fi
level=-1
for i in "${!LEVELS[@]}"; do [[ "${1:-}" == "${LEVELS[$i]}" ]] && level=$i; done
if ((level < 0 || $# > 1)); then
  echo "natlab setup: usage: scripts/setup.sh [--system-only] [--node-only|--vm-tools|--bench-tools|--test-tools]" >&2
  exit 2
fi

# Inside node_modules: ignored by git, and gone (so checked again) whenever node_modules is.
MARKERS=node_modules/.natlab-setup
marker() { echo "$MARKERS/level-$1"; }

fresh_marker() {
  local m
  m=$(marker "$level")
  [[ -f "$m" && "$m" -nt package-lock.json && "$m" -nt scripts/setup.sh ]]
}

# command -> Debian package (dnsmasq-base: the binary without a system service on port 53;
# python3-minimal: enough for the HTTP echo service, which imports only the standard library)
declare -A PACKAGES=(
  [ip]=iproute2 [iptables]=iptables [nft]=nftables [ebtables]=ebtables [tcpdump]=tcpdump
  [curl]=curl [conntrack]=conntrack [ping]=iputils-ping [sysctl]=procps [dnsmasq]=dnsmasq-base
  [python3]=python3-minimal
)

find_tool() { PATH="$PATH:/usr/sbin:/sbin" command -v "$1" >/dev/null 2>&1; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

missing_packages() {
  if ((level >= 1)); then
    for tool in "${!PACKAGES[@]}"; do find_tool "$tool" || echo "${PACKAGES[$tool]}"; done
  fi
  if ((level >= 2)); then
    find_tool qemu-system-x86_64 || echo qemu-system-x86
    installed busybox-static || echo busybox-static
    find_tool depmod || echo kmod
    # A Debian kernel's image and modules come xz- or zstd-compressed.
    find_tool xz || echo xz-utils
    find_tool zstd || echo zstd
  fi
  if ((level >= 3)); then
    find_tool mn || echo mininet
    # Mininet's LinuxBridge switch (the only one without Open vSwitch) runs brctl.
    find_tool brctl || echo bridge-utils
  fi
  if ((level >= 4)); then
    find_tool chromium || printf '%s\n' chromium fonts-dejavu-core
    find_tool tshark || echo tshark
  fi
}

install_packages() {
  local missing
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} > 0)) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "natlab setup: missing packages: ${missing[*]} (run as root to install them)" >&2
    return 1
  elif ! command -v apt-get >/dev/null; then
    echo "natlab setup: missing packages: ${missing[*]}, and no apt-get to install them" >&2
    return 1
  fi
  echo "natlab setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq >&2
  timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# node_modules exactly as the lock says (npm ci never rewrites it: the lock holds every platform's
# optional packages), when absent or older than the lock.
install_node_modules() {
  if [[ ! -d node_modules/.bin || package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "natlab setup: installing node_modules (npm ci)" >&2
    timeout 600 npm ci --no-audit --no-fund >&2
  fi
}

if ((system_only)); then
  install_packages
elif ! fresh_marker; then
  ok=1
  install_packages || ok=0
  install_node_modules
  # Only a complete check earns a marker: a missing package is looked for again next time.
  if ((ok)); then
    mkdir -p "$MARKERS"
    for ((i = 0; i <= level; i++)); do touch "$(marker "$i")"; done
  fi
fi
