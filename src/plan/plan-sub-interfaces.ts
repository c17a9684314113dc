// Devices made inside a node on another (VLAN sub-interfaces, macvlans), and the devices that sysctl
// keys name: each must be a device of the node, so nothing fails only once the lab is being built.

import { pathText } from '../scenario/validate-scenario.ts';
import type { PlanState } from './plan-state.ts';
import type { InterfacePlan, NodePlan } from './topology-plan.ts';

/** Per-device sysctl tables: net.ipv4.conf.NAME.rp_filter; the device part may hold dots. */
const DEVICE_KEY = /^net\.(ipv4|ipv6)\.conf\.(.+)\.[^.]+$/;
/** The tables' own entries, which name no device. */
const NOT_DEVICES = ['all', 'default'];

/** After the links, so the veths a link declares can be parents. */
export function checkSubInterfaces({ nodes, problems }: PlanState): void {
  for (const node of nodes.values()) {
    const vlanIds = new Map<string, string>();
    for (const iface of node.interfaces) {
      const at = (field: string) => pathText(['nodes', node.name, 'interfaces', iface.name, field]);
      if (iface.kind !== 'vlan' && iface.vlanId !== undefined) {
        problems.push(
          `${at('id')}: a VLAN id is for kind: 'vlan', and ${iface.name} is a ${iface.kind}`,
        );
      }
      if (iface.kind !== 'macvlan' && iface.macvlanMode !== undefined) {
        problems.push(
          `${at('mode')}: a mode is for kind: 'macvlan', and ${iface.name} is a ${iface.kind}`,
        );
      }
      if (iface.kind !== 'vlan' && iface.kind !== 'macvlan') {
        if (iface.parent !== undefined) {
          problems.push(`${at('parent')}: only a vlan or macvlan has a parent`);
        }
        continue;
      }
      const parentProblem = checkParent(iface, node.interfaces);
      if (parentProblem) problems.push(`${at('parent')}: ${parentProblem}`);
      if (iface.kind !== 'vlan') continue;
      if (iface.vlanId === undefined) {
        problems.push(`${at('id')}: a vlan needs its 802.1Q id (1..4094)`);
        continue;
      }
      const key = `${iface.parent} ${iface.vlanId}`;
      const taken = vlanIds.get(key);
      if (taken) {
        problems.push(`${at('id')}: VLAN ${iface.vlanId} on ${iface.parent} is already ${taken}`);
      }
      vlanIds.set(key, iface.name);
    }
  }
}

function checkParent(iface: InterfacePlan, interfaces: InterfacePlan[]): string | undefined {
  if (iface.parent === undefined) return `a ${iface.kind} needs a parent interface`;
  const parent = interfaces.find((i) => i.name === iface.parent);
  if (!parent) return `"${iface.parent}" is no interface of this node`;
  if (parent.kind !== 'veth' && parent.kind !== 'bridge') {
    return `"${iface.parent}" is a ${parent.kind}; a ${iface.kind} is made on a veth or a bridge`;
  }
  return undefined;
}

/** A per-device sysctl key must name a device of the node; the kernel has no entry for any other. */
export function checkSysctlDevices({ def, nodes, problems }: PlanState): void {
  for (const [name, node] of Object.entries(def.nodes ?? {})) {
    for (const key of Object.keys(node.sysctls ?? {})) {
      const problem = sysctlDeviceProblem(nodes.get(name), name, key);
      if (problem) problems.push(`${pathText(['nodes', name, 'sysctls', key])}: ${problem}`);
    }
  }
}

/** Why a sysctl key names no device of this node, or undefined. */
export function sysctlDeviceProblem(
  node: NodePlan | undefined,
  name: string,
  key: string,
): string | undefined {
  const names = new Set((node?.interfaces ?? []).map((i) => i.name));
  names.add('lo');
  const device = DEVICE_KEY.exec(key)?.[2];
  if (!device || NOT_DEVICES.includes(device) || names.has(device)) return undefined;
  return `node ${name} has no interface "${device}" (it has ${[...names].sort().join(', ')})`;
}
