// Nodes: names, declared interfaces, sysctls, /etc files, and the node-level input checked
// (DNS records, hosts entries, nameserver, command-list and OpenWrt rulesets).

import { openWrtProblem } from '../candidates/openwrt-nft.ts';
import { nodeHost } from '../candidates/openwrt-zones.ts';
import { parseAddress } from '../net/addresses.ts';
import { commandListTool, parseCommandList } from '../scenario/command-lists.ts';
import type { NodeDef, RulesetDef, ScenarioDef } from '../scenario/define-scenario.ts';
import type { PlanState } from './plan-state.ts';
import { type InterfacePlan, type NodePlan, netnsName } from './topology-plan.ts';

/** The bridge inside a switch node; its ports come from the switch's links. */
export const SWITCH_BRIDGE = 'br0';
const NODE_NAME = /^[a-z][a-z0-9-]{0,14}$/;
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

const IPV6_OFF = {
  'net.ipv6.conf.all.disable_ipv6': '1',
  'net.ipv6.conf.default.disable_ipv6': '1',
};
/** RFC 8200's minimum link MTU. */
export const IPV6_MIN_MTU = 1280;
// Duplicate address detection holds addresses back for a second or more; no lab needs it.
const IPV6_ON = { 'net.ipv6.conf.all.accept_dad': '0', 'net.ipv6.conf.default.accept_dad': '0' };

export function isHostName(text: string): boolean {
  return HOSTNAME.test(text);
}

export function addressList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

export function planNodes({
  def,
  runId,
  problems,
}: {
  def: ScenarioDef;
  runId: string;
  problems: string[];
}): Map<string, NodePlan> {
  const nodes = new Map<string, NodePlan>();
  for (const [name, node] of Object.entries(def.nodes ?? {})) {
    if (!NODE_NAME.test(name)) {
      problems.push(`node name "${name}" must be 1-15 characters of a-z, 0-9 and "-"`);
    }
    nodes.set(name, planNode(name, node, runId, problems));
  }
  return nodes;
}

/** After the links: the per-interface value counts too, and every device exists before sysctls apply. */
export function turnOffDeviceDad({ def, nodes }: PlanState): void {
  for (const [name, node] of Object.entries(def.nodes ?? {})) {
    const plan = nodes.get(name);
    if (!node.ipv6 || !plan) continue;
    for (const iface of plan.interfaces) {
      if (iface.kind !== 'loopback') plan.sysctls[`net.ipv6.conf.${iface.name}.accept_dad`] = '0';
    }
  }
}

function checkNameTable(label: string, table: Record<string, string | string[]>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(table)) {
    if (!HOSTNAME.test(name)) problems.push(`${label} "${name}" is not a host name`);
    for (const address of addressList(value)) {
      if (!parseAddress(address)) problems.push(`${label} ${name}: "${address}" is not an address`);
    }
  }
  return problems;
}

/** The node's own /etc/hosts and /etc/resolv.conf, when it has any. */
function etcFiles(node: NodeDef): NodePlan['etc'] {
  const etc: NodePlan['etc'] = {};
  if (node.hosts) {
    const lines = ['127.0.0.1 localhost', '::1 localhost'];
    for (const [name, value] of Object.entries(node.hosts)) {
      for (const address of addressList(value)) lines.push(`${address} ${name}`);
    }
    etc.hosts = `${lines.join('\n')}\n`;
  }
  if (node.nameserver) etc['resolv.conf'] = `nameserver ${node.nameserver}\n`;
  return etc;
}

function planNode(name: string, node: NodeDef, runId: string, problems: string[]): NodePlan {
  const interfaces: InterfacePlan[] = [];
  for (const [ifname, iface] of Object.entries(node.interfaces ?? {})) {
    if (node.kind === 'switch') {
      problems.push(`switch ${name} takes no interfaces: its ports come from its links`);
      continue;
    }
    const kind = iface.kind ?? (iface.bridge ? 'bridge' : ifname === 'lo' ? 'loopback' : 'veth');
    if (iface.nfCallIptables !== undefined && kind !== 'bridge') {
      problems.push(`node ${name}: nfCallIptables is a bridge option, and ${ifname} is no bridge`);
    }
    interfaces.push({
      name: ifname,
      kind,
      addresses: iface.addresses ?? [],
      nfCallIptables: iface.nfCallIptables,
      hairpin: iface.hairpin,
      mtu: iface.mtu,
      parent: iface.parent,
      vlanId: iface.id,
      macvlanMode: iface.kind === 'macvlan' ? (iface.mode ?? 'bridge') : iface.mode,
    });
    // Below it the kernel takes IPv6 off the device.
    if (node.ipv6 && iface.mtu !== undefined && iface.mtu < IPV6_MIN_MTU) {
      problems.push(
        `nodes.${name}.interfaces.${ifname}.mtu: ${iface.mtu} is below ${IPV6_MIN_MTU}, the IPv6 minimum, and node ${name} has ipv6: true`,
      );
    }
  }
  if (node.kind === 'switch') {
    interfaces.push({ name: SWITCH_BRIDGE, kind: 'bridge', addresses: [] });
    for (const key of ['routes', 'rulesets', 'services'] as const) {
      if (node[key]) problems.push(`switch ${name} cannot have ${key}; use a host or router`);
    }
  }
  // The HTTP and TCP services share TCP's ports; a second listener on one would fail to bind.
  const listening = new Set<string>();
  for (const service of node.services ?? []) {
    if (service.kind === 'dns') {
      problems.push(...checkNameTable(`node ${name}: dns record`, service.records));
      continue;
    }
    const socket = `${service.kind === 'udp' ? 'udp' : 'tcp'} port ${service.port}`;
    if (listening.has(socket)) problems.push(`node ${name}: two services listen on ${socket}`);
    listening.add(socket);
  }
  problems.push(...checkNameTable(`node ${name}: hosts entry`, node.hosts ?? {}));
  if (node.nameserver !== undefined && !parseAddress(node.nameserver)) {
    problems.push(`node ${name}: nameserver "${node.nameserver}" is not an address`);
  }
  problems.push(...rulesetProblems(`node ${name}`, node.rulesets ?? [], interfaces));
  // Routers forward; IPv6 is off unless asked for, so router solicitations stay out of the captures.
  const sysctls: Record<string, string> = {
    ...(node.ipv6 ? IPV6_ON : IPV6_OFF),
    ...(node.kind === 'router' ? { 'net.ipv4.ip_forward': '1' } : {}),
    ...(node.kind === 'router' && node.ipv6 ? { 'net.ipv6.conf.all.forwarding': '1' } : {}),
    ...node.sysctls,
  };
  return {
    name,
    kind: node.kind,
    netns: netnsName(runId, name),
    ipv6: node.ipv6 === true,
    interfaces,
    routes: node.routes ?? [],
    neighbors: [],
    sysctls,
    etc: etcFiles(node),
    rulesets: node.rulesets ?? [],
    services: node.services ?? [],
  };
}

/** What is wrong in rulesets before any tool sees them: empty text, lines no tool takes, an OpenWrt config that does not translate. */
export function rulesetProblems(
  label: string,
  rulesets: readonly RulesetDef[],
  interfaces: readonly InterfacePlan[],
): string[] {
  const problems: string[] = [];
  for (const ruleset of rulesets) {
    if (ruleset.networks && ruleset.format !== 'openwrt') {
      problems.push(`${label}: networks is for openwrt rulesets, not ${ruleset.format}`);
    }
    if (ruleset.filter !== undefined && ruleset.format !== 'openwrt') {
      problems.push(`${label}: filter is for openwrt rulesets, not ${ruleset.format}`);
    }
    if (ruleset.text.trim() === '') {
      problems.push(`${label}: ruleset text is empty`);
    } else if (ruleset.format === 'openwrt') {
      const problem = openWrtProblem(ruleset.text, nodeHost(ruleset.networks, interfaces), {
        filter: ruleset.filter,
      });
      if (problem) problems.push(`${label}: openwrt ruleset ${problem}`);
    } else {
      const tool = commandListTool(ruleset.format);
      if (tool)
        problems.push(
          ...parseCommandList(ruleset.text, tool).problems.map((p) => `${label}: ${p}`),
        );
    }
  }
  return problems;
}
