// Stage 2: ScenarioDef -> TopologyPlan. Pure: every problem of meaning (names, references, addresses)
// is found here, before anything exists; shapes, types and ranges were checked by validateScenario.

import { openWrtProblem } from '../candidates/openwrt-nft.ts';
import { nodeHost } from '../candidates/openwrt-zones.ts';
import { NatlabError } from '../errors.ts';
import {
  type Cidr,
  cidrContains,
  parseAddress,
  parseAddressPattern,
  parseCidr,
} from '../net/addresses.ts';
import { parseCommandList } from '../scenario/command-lists.ts';
import type { NodeDef, PacketMatch, ScenarioDef } from '../scenario/define-scenario.ts';
import {
  type CapturePointPlan,
  type InterfacePlan,
  type LinkPlan,
  type NodePlan,
  netnsName,
  type ProbePlan,
  type TopologyPlan,
} from './topology-plan.ts';

/** Linux IFNAMSIZ is 16 including the terminating NUL. */
export const MAX_IFNAME = 15;
const NODE_NAME = /^[a-z][a-z0-9-]{0,14}$/;
const IFACE_NAME = /^[A-Za-z0-9_.-]+$/;
/** The kernel refuses "." and ".." (path parts), and "all" and "default" (their /proc/sys/net/ipv4/conf names). */
const RESERVED_IFNAMES = ['.', '..', 'all', 'default'];
const IFACE_RULE =
  'interface names hold letters, digits, "_", "." and "-", and are not ".", "..", "all" or "default"';
const SWITCH_BRIDGE = 'br0';
const FAIL_TIMEOUT_MS = 500;
/** Above the few links a new namespace starts with. */
const FIRST_IFINDEX = 100;
/** Far above any test's traffic (tens of packets), far below a bridge loop (10^5 packets/s). */
const DEFAULT_STORM_PPS = 20_000;
const CONNECT_TIMEOUT_MS = 5000;

export interface PlanOptions {
  scenario: string;
  runId: string;
}

export function planTopology(def: ScenarioDef, { scenario, runId }: PlanOptions): TopologyPlan {
  const problems: string[] = [];
  const nodeDefs = def.nodes ?? {};
  const nodes = new Map<string, NodePlan>();

  for (const [name, node] of Object.entries(nodeDefs)) {
    if (!NODE_NAME.test(name)) {
      problems.push(`node name "${name}" must be 1-15 characters of a-z, 0-9 and "-"`);
    }
    nodes.set(name, planNode(name, node, runId, problems));
  }

  const links = planLinks(def, nodes, problems);
  attachBridgePorts(nodeDefs, nodes, problems);
  for (const [name, def] of Object.entries(nodeDefs)) {
    const node = nodes.get(name);
    if (!def.ipv6 || !node) continue;
    // The per-interface value counts too, and veths exist before these sysctls are applied.
    for (const iface of node.interfaces) {
      if (iface.kind === 'veth') node.sysctls[`net.ipv6.conf.${iface.name}.accept_dad`] = '0';
    }
  }
  checkInterfaces(nodes, problems);
  assignMacsAndIndexes(nodes);
  checkAddresses(nodes, problems);
  checkRoutes(nodes, problems);
  resolveNeighbors(nodeDefs, nodes, problems);

  const probes = planProbes(def, nodes, problems);
  const captures = planCaptures(def, nodes, problems);
  checkFlows(def, captures, probes, problems);

  if (problems.length > 0) {
    throw new NatlabError(
      `scenario "${scenario}" is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { code: 'INVALID_SCENARIO', stage: 'plan' },
    );
  }
  return {
    runId,
    scenario,
    description: def.description,
    needs: def.needs ?? [],
    diagnosis: def.diagnosis ?? {},
    stormGuard: def.stormGuard ?? { maxPacketsPerSecond: DEFAULT_STORM_PPS },
    nodes: [...nodes.values()],
    links,
    captures,
    probes,
    flows: def.flows ?? [],
  };
}

const IPV6_OFF = {
  'net.ipv6.conf.all.disable_ipv6': '1',
  'net.ipv6.conf.default.disable_ipv6': '1',
};
// Duplicate address detection holds addresses back for a second or more; no lab needs it.
const IPV6_ON = { 'net.ipv6.conf.all.accept_dad': '0', 'net.ipv6.conf.default.accept_dad': '0' };

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export function addressList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
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
    const kind = iface.bridge ? 'bridge' : ifname === 'lo' ? 'loopback' : 'veth';
    if (iface.nfCallIptables !== undefined && kind !== 'bridge') {
      problems.push(`node ${name}: nfCallIptables is a bridge option, and ${ifname} is no bridge`);
    }
    interfaces.push({
      name: ifname,
      kind,
      addresses: iface.addresses ?? [],
      nfCallIptables: iface.nfCallIptables,
      hairpin: iface.hairpin,
    });
  }
  if (node.kind === 'switch') {
    interfaces.push({ name: SWITCH_BRIDGE, kind: 'bridge', addresses: [] });
    for (const key of ['routes', 'rulesets', 'services', 'sysctls'] as const) {
      if (node[key]) problems.push(`switch ${name} cannot have ${key}; use a host or router`);
    }
  }
  for (const service of node.services ?? []) {
    if (service.kind === 'dns') {
      problems.push(...checkNameTable(`node ${name}: dns record`, service.records));
    }
  }
  problems.push(...checkNameTable(`node ${name}: hosts entry`, node.hosts ?? {}));
  if (node.nameserver !== undefined && !parseAddress(node.nameserver)) {
    problems.push(`node ${name}: nameserver "${node.nameserver}" is not an address`);
  }
  for (const ruleset of node.rulesets ?? []) {
    if (ruleset.networks && ruleset.format !== 'openwrt') {
      problems.push(`node ${name}: networks is for openwrt rulesets, not ${ruleset.format}`);
    }
    if (ruleset.text.trim() === '') {
      problems.push(`node ${name}: ruleset text is empty`);
    } else if (ruleset.format === 'openwrt') {
      const problem = openWrtProblem(ruleset.text, nodeHost(ruleset.networks, interfaces));
      if (problem) problems.push(`node ${name}: openwrt ruleset ${problem}`);
    } else if (ruleset.format === 'ebtables' || ruleset.format === 'iptables-commands') {
      const tool = ruleset.format === 'ebtables' ? 'ebtables' : 'iptables';
      problems.push(
        ...parseCommandList(ruleset.text, tool).problems.map((p) => `node ${name}: ${p}`),
      );
    }
  }
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
    interfaces,
    routes: node.routes ?? [],
    neighbors: [],
    sysctls,
    etc: etcFiles(node),
    rulesets: node.rulesets ?? [],
    services: node.services ?? [],
  };
}

function planLinks(def: ScenarioDef, nodes: Map<string, NodePlan>, problems: string[]): LinkPlan[] {
  const links: LinkPlan[] = [];
  const used = new Set<string>();
  (def.links ?? []).forEach((link, index) => {
    if (!link?.a || !link?.b) {
      problems.push(`link #${index + 1} needs two ends, a and b`);
      return;
    }
    const a = resolveEnd(link.a, link.b, nodes, problems);
    const b = resolveEnd(link.b, link.a, nodes, problems);
    if (!a || !b) return;
    for (const end of [a, b]) {
      const key = `${end.node}:${end.iface}`;
      if (used.has(key)) problems.push(`interface ${key} is on more than one link`);
      used.add(key);
    }
    attachVeth(nodes, a, b);
    attachVeth(nodes, b, a);
    links.push({ a, b });
  });
  return links;
}

function resolveEnd(
  ref: string,
  other: string,
  nodes: Map<string, NodePlan>,
  problems: string[],
): { node: string; iface: string } | undefined {
  const [node, iface, ...rest] = String(ref).split(':');
  const plan = node === undefined ? undefined : nodes.get(node);
  if (!node || !plan || rest.length > 0) {
    problems.push(`link end "${ref}" refers to an unknown node`);
    return undefined;
  }
  if (iface) return { node, iface };
  if (plan.kind !== 'switch') {
    problems.push(`link end "${ref}" needs an interface name ("${node}:eth0")`);
    return undefined;
  }
  // A switch port without a name is named after the node at the other end.
  return { node, iface: String(other).split(':')[0] ?? '' };
}

function attachVeth(
  nodes: Map<string, NodePlan>,
  end: { node: string; iface: string },
  peer: { node: string; iface: string },
): void {
  const node = nodes.get(end.node);
  if (!node) return;
  let iface = node.interfaces.find((i) => i.name === end.iface);
  if (!iface) {
    iface = { name: end.iface, kind: 'veth', addresses: [] };
    if (node.kind === 'switch') iface.master = SWITCH_BRIDGE;
    node.interfaces.push(iface);
  }
  iface.peer = peer;
}

/** After the links, so ports that only a link declares exist. */
function attachBridgePorts(
  defs: Record<string, NodeDef>,
  nodes: Map<string, NodePlan>,
  problems: string[],
): void {
  for (const [name, def] of Object.entries(defs)) {
    const interfaces = nodes.get(name)?.interfaces ?? [];
    for (const [ifname, iface] of Object.entries(def.interfaces ?? {})) {
      for (const port of iface.bridge ?? []) {
        const member = interfaces.find((i) => i.name === port);
        if (member?.kind !== 'veth') {
          problems.push(`node ${name}: bridge ${ifname} port "${port}" is not a linked interface`);
        } else if (member.master) {
          problems.push(
            `node ${name}: "${port}" cannot be a port of both ${member.master} and ${ifname}`,
          );
        } else {
          member.master = ifname;
        }
      }
    }
  }
}

function checkInterfaces(nodes: Map<string, NodePlan>, problems: string[]): void {
  for (const node of nodes.values()) {
    for (const iface of node.interfaces) {
      const where = `${node.name}:${iface.name}`;
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

function assignMacsAndIndexes(nodes: Map<string, NodePlan>): void {
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
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

function checkAddresses(nodes: Map<string, NodePlan>, problems: string[]): void {
  const owners = new Map<string, string>();
  for (const node of nodes.values()) {
    for (const iface of node.interfaces) {
      for (const text of iface.addresses) {
        const where = `${node.name}:${iface.name}`;
        const cidr = parseCidr(text);
        if (!cidr) {
          problems.push(`address "${text}" on ${where} is not a valid CIDR (e.g. 192.168.1.10/24)`);
          continue;
        }
        // An address on lo is local to its node by design (seed 003's secondary /32 on the server).
        if (iface.kind === 'loopback') continue;
        const key = cidr.address.toString();
        const owner = owners.get(key);
        if (owner) problems.push(`address ${key} is on both ${owner} and ${where}`);
        owners.set(key, where);
      }
    }
  }
}

/** Subnets directly attached to a node. */
function connectedSubnets(node: NodePlan): Cidr[] {
  return node.interfaces.flatMap((i) => i.addresses.map(parseCidr).filter((c) => c !== undefined));
}

function checkRoutes(nodes: Map<string, NodePlan>, problems: string[]): void {
  for (const node of nodes.values()) {
    const subnets = connectedSubnets(node);
    for (const route of node.routes) {
      const via = parseAddress(route.via);
      if (route.to !== 'default' && !parseCidr(route.to)) {
        problems.push(
          `node ${node.name}: route destination "${route.to}" is not "default" or a CIDR`,
        );
      }
      if (!via) {
        problems.push(`node ${node.name}: route gateway "${route.via}" is not an address`);
      } else if (!subnets.some((s) => cidrContains(s, via))) {
        problems.push(
          `node ${node.name}: route to ${route.to} via ${route.via} is unreachable: no interface of ${node.name} is on a subnet holding ${route.via}`,
        );
      }
    }
  }
}

function resolveNeighbors(
  defs: Record<string, NodeDef>,
  nodes: Map<string, NodePlan>,
  problems: string[],
): void {
  for (const [name, def] of Object.entries(defs)) {
    const node = nodes.get(name);
    for (const [address, ref] of Object.entries(def.neighbors ?? {})) {
      const [peerName = '', peerIface = ''] = ref.split(':');
      const mac = nodes.get(peerName)?.interfaces.find((i) => i.name === peerIface)?.mac;
      const ip = parseAddress(address);
      const dev = node?.interfaces.find((i) =>
        i.addresses.some((a) => {
          const cidr = parseCidr(a);
          return ip !== undefined && cidr !== undefined && cidrContains(cidr, ip);
        }),
      );
      if (!ip || !dev) {
        problems.push(`node ${name}: neighbor ${address} is not an address on a connected subnet`);
      } else if (!mac) {
        problems.push(
          `node ${name}: neighbor ${address} → "${ref}" is not a node:iface with a MAC`,
        );
      } else {
        node?.neighbors.push({ address, mac, dev: dev.name });
      }
    }
  }
}

function planProbes(
  def: ScenarioDef,
  nodes: Map<string, NodePlan>,
  problems: string[],
): ProbePlan[] {
  const probes: ProbePlan[] = [];
  const names = new Set<string>();
  for (const probe of def.probes ?? []) {
    if (names.has(probe.name)) problems.push(`probe name "${probe.name}" is used twice`);
    names.add(probe.name);
    const from = nodes.get(probe.from);
    if (!from || from.kind === 'switch') {
      problems.push(
        `probe ${probe.name}: "${probe.from}" is not a host or router of this scenario`,
      );
    }
    const connectTimeoutMs =
      probe.connectTimeoutMs ?? (probe.expect === 'fails' ? FAIL_TIMEOUT_MS : CONNECT_TIMEOUT_MS);
    const common = { name: probe.name, from: probe.from, expect: probe.expect, connectTimeoutMs };
    if ('ping' in probe) {
      if (!parseAddress(probe.ping)) {
        problems.push(`probe ${probe.name}: ping "${probe.ping}" is not an address`);
        continue;
      }
      const target = probe.ping;
      probes.push({
        ...common,
        kind: 'ping',
        url: target,
        host: target,
        target,
        broadcast: probe.broadcast,
      });
      continue;
    }
    if (probe.serverSees !== undefined && !parseAddress(probe.serverSees)) {
      problems.push(`probe ${probe.name}: serverSees "${probe.serverSees}" is not an address`);
    }
    const target = parseHttpUrl(probe.url);
    if (!target) {
      problems.push(
        `probe ${probe.name}: url "${probe.url}" must be http:// with an address or a host name`,
      );
      continue;
    }
    probes.push({
      ...common,
      kind: 'http',
      url: probe.url,
      host: target.host,
      port: target.port,
      target: `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`,
      serverSees: probe.serverSees,
    });
  }
  return probes;
}

function parseHttpUrl(text: string): { host: string; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'http:' || !(parseAddress(host) || HOSTNAME.test(host))) return undefined;
  return { host, port: url.port ? Number(url.port) : 80 };
}

function planCaptures(
  def: ScenarioDef,
  nodes: Map<string, NodePlan>,
  problems: string[],
): CapturePointPlan[] {
  const points: CapturePointPlan[] = [];
  const add = (node: string, iface: string) => {
    const id = `${node}:${iface}`;
    if (!points.some((p) => p.id === id)) points.push({ node, iface, id, inboundOnly: false });
  };
  const wanted = def.captures ?? [...nodes.keys()];
  for (const ref of wanted) {
    const [nodeName, ifname] = ref.split(':');
    const node = nodeName === undefined ? undefined : nodes.get(nodeName);
    if (!node || !nodeName) {
      problems.push(`capture "${ref}" refers to an unknown node`);
      continue;
    }
    if (ifname) {
      if (!node.interfaces.some((i) => i.name === ifname && i.kind !== 'loopback')) {
        problems.push(`capture "${ref}": ${nodeName} has no interface ${ifname}`);
      }
      add(nodeName, ifname);
    } else {
      for (const iface of node.interfaces) if (iface.kind === 'veth') add(nodeName, iface.name);
    }
  }
  // A capture point that a flow expectation names is always captured.
  for (const flow of def.flows ?? []) {
    const [nodeName, ifname] = String(flow.at).split(':');
    const node = nodeName === undefined ? undefined : nodes.get(nodeName);
    if (node && ifname && node.interfaces.some((i) => i.name === ifname)) add(node.name, ifname);
  }
  for (const point of points) {
    const node = nodes.get(point.node);
    const peer = node?.interfaces.find((i) => i.name === point.iface)?.peer;
    point.inboundOnly =
      node?.kind === 'switch' &&
      peer !== undefined &&
      points.some((p) => p.id === `${peer.node}:${peer.iface}`);
  }
  return points;
}

function checkFlows(
  def: ScenarioDef,
  captures: CapturePointPlan[],
  probes: ProbePlan[],
  problems: string[],
): void {
  for (const [index, flow] of (def.flows ?? []).entries()) {
    const label = flow.name ?? `flow #${index + 1}`;
    if (!captures.some((c) => c.id === flow.at)) {
      problems.push(`${label}: capture point "${flow.at}" is not a node:iface of this scenario`);
    }
    if (flow.during !== undefined && !probes.some((p) => p.name === flow.during)) {
      problems.push(`${label}: during "${flow.during}" is not a probe of this scenario`);
    }
    problems.push(...checkMatch(label, flow.match));
  }
}

function checkMatch(label: string, match: PacketMatch): string[] {
  const problems: string[] = [];
  for (const key of ['src', 'dst'] as const) {
    const value = match[key];
    if (value !== undefined && !parseAddressPattern(value)) {
      problems.push(`${label}: match.${key} "${value}" is not an address or CIDR`);
    }
  }
  return problems;
}
