// Interfaces once links exist: names Linux accepts, link ends only on veths, and each interface's
// MAC and ifindex, unique in the run.

import type { PlanState } from './plan-state.ts';
import { pointId } from './point-id.ts';
import type { InterfacePlan } from './topology-plan.ts';

/** Linux IFNAMSIZ is 16 including the terminating NUL. */
const MAX_IFNAME = 15;
const IFACE_NAME = /^[A-Za-z0-9_.-]+$/;
/** The kernel refuses "." and ".." (path parts), and "all" and "default" (their /proc/sys/net/ipv4/conf names). */
const RESERVED_IFNAMES = ['.', '..', 'all', 'default'];
const IFACE_RULE =
  'interface names hold letters, digits, "_", "." and "-", and are not ".", "..", "all" or "default"';
/** Above the few links a new namespace starts with. */
const FIRST_IFINDEX = 100;

export function checkInterfaces({ nodes, problems }: PlanState): void {
  for (const node of nodes.values()) {
    for (const iface of node.interfaces) {
      const where = pointId(node.name, iface.name);
      if (iface.hairpin !== undefined && !iface.master) {
        problems.push(
          `interface ${where}: hairpin is a bridge port option, and it is no bridge port`,
        );
      }
      if (iface.name.length > MAX_IFNAME) {
        problems.push(
          `interface name ${where} is ${iface.name.length} characters; Linux allows ${MAX_IFNAME}`,
        );
      }
      if (!IFACE_NAME.test(iface.name) || RESERVED_IFNAMES.includes(iface.name)) {
        problems.push(`interface name ${where} is refused: ${IFACE_RULE}`);
      }
      if (iface.kind === 'veth' && !iface.peer) {
        problems.push(`interface ${where} is not on any link`);
      }
      if (iface.kind !== 'veth' && iface.peer) {
        problems.push(`interface ${where} is a ${iface.kind} and cannot be a link end`);
      }
    }
  }
}

export function assignMacsAndIndexes({ nodes }: PlanState): void {
  let counter = 0;
  for (const node of nodes.values()) {
    for (const iface of node.interfaces) {
      if (iface.kind === 'loopback') continue;
      counter += 1;
      // 02: locally administered; 6e:6c is "nl".
      iface.mac = `02:6e:6c:00:${hex(counter >> 8)}:${hex(counter & 0xff)}`;
      if (iface.kind === 'veth') iface.ifindex = FIRST_IFINDEX + counter;
    }
    // A node's bridge carries its lowest port MAC, as Linux gives a bridge without an address of
    // its own. ebtables broute depends on it: a routed frame must be addressed to the port's MAC.
    // A switch's bridge sends nothing of its own and keeps a distinct MAC.
    if (node.kind === 'switch') continue;
    for (const bridge of node.interfaces.filter((i) => i.kind === 'bridge')) {
      const ports = node.interfaces.filter((i) => i.master === bridge.name && i.mac);
      const lowest = ports.map((p) => p.mac ?? '').sort()[0];
      if (lowest) bridge.mac = lowest;
    }
    // A VLAN sub-interface and a passthru macvlan send with their parent's MAC, as Linux gives them,
    // so a frame's source still names the veth it leaves by.
    for (const sub of node.interfaces.filter(inheritsMac)) {
      sub.mac = node.interfaces.find((i) => i.name === sub.parent)?.mac;
    }
  }
}

export function inheritsMac(iface: InterfacePlan): boolean {
  return iface.kind === 'vlan' || iface.macvlanMode === 'passthru';
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
