// Stage 3, netns backend: one namespace per node, veths born inside their namespaces, ip -batch throughout.

import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { NatlabError } from '../../errors.ts';
import { inheritsMac } from '../../plan/plan-interfaces.ts';
import type { InterfacePlan, NodePlan, TopologyPlan } from '../../plan/topology-plan.ts';
import { runCommand } from '../../system/run-command.ts';
import { removeManifest, writeManifest } from '../../system/run-ledger.ts';
import { settleAll } from '../../system/settle-all.ts';
import type { TeardownStack } from '../../system/teardown-stack.ts';
import { makeTopology, type Topology } from '../topology.ts';
import { existingNamespaces, killProcessesIn } from './namespace-processes.ts';
import { type SysctlSetter, startSysctlSetter } from './set-sysctls.ts';
import { waitForLinks } from './wait-links-up.ts';

const ETC_NETNS = '/etc/netns';

export interface BuildOptions {
  teardown: TeardownStack;
  signal?: AbortSignal;
  /** Recorded in the manifest so automatic cleanup leaves the lab alone. */
  keep?: boolean;
}

export function buildNetnsTopology(plan: TopologyPlan, options: BuildOptions): Promise<Topology> {
  return buildLab(plan, options, () =>
    ipBatch(rootBatch(plan), { action: 'create namespaces and links', signal: options.signal }),
  );
}

/**
 * Every backend's build: the ledger first, then `create` makes the named namespaces and the veths,
 * then each node makes its own devices, its sysctls are set (so a key may name any device), and the
 * same per-namespace batches configure every node, waiting until links are really up. Whatever `create` started, it registers on `teardown` itself.
 */
export async function buildLab(
  plan: TopologyPlan,
  { teardown, signal, keep = false }: BuildOptions,
  create: () => Promise<void>,
): Promise<Topology> {
  const namespaces = plan.nodes.map((n) => n.netns);
  await writeManifest({ runId: plan.runId, scenario: plan.scenario, namespaces, kept: keep });
  teardown.push('remove run manifest', () => removeManifest(plan.runId));
  teardown.push('delete namespaces', () => deleteNamespaces(namespaces));
  await writeEtcFiles(plan);

  const sysctls = startSysctlSetter(signal);
  try {
    await create();
    await configureNodes(plan, sysctls, signal);
  } finally {
    sysctls.cancel();
  }
  return makeTopology(
    plan,
    (node, argv) => ['ip', 'netns', 'exec', nsOf(plan, node), ...argv],
    signal,
  );
}

/** The per-namespace batches, with every node's sysctls set once its devices exist and none is up. */
async function configureNodes(
  plan: TopologyPlan,
  sysctls: SysctlSetter,
  signal: AbortSignal | undefined,
): Promise<void> {
  const inEachNode = (batch: (node: NodePlan) => string[], action: string) =>
    settleAll(
      plan.nodes
        .map((node) => ({ node, lines: batch(node) }))
        .filter(({ lines }) => lines.length > 0)
        .map(({ node, lines }) =>
          ipBatch(lines, { action, node: node.name, netns: node.netns, signal }),
        ),
    );
  await inEachNode(nodeDevicesBatch, 'make bridges, VLANs and macvlans');
  await sysctls.apply(plan.nodes);
  await inEachNode(nodeLinksBatch, 'configure interfaces');
  await waitForLinks(plan, 'veths-up', { signal });
  await inEachNode(nodeBridgesBatch, 'bring bridges up and add routes');
  await waitForLinks(plan, 'ports-forwarding', { signal });
}

function nsOf(plan: TopologyPlan, node: string): string {
  const found = plan.nodes.find((n) => n.name === node);
  if (!found) throw new Error(`unknown node ${node}`);
  return found.netns;
}

/** Namespaces and veth pairs (each end created in its namespace), from the root: one process. */
export function rootBatch(plan: TopologyPlan): string[] {
  const lines = plan.nodes.map((n) => `netns add ${n.netns}`);
  for (const link of plan.links) {
    const a = endOf(plan, link.a);
    const b = endOf(plan, link.b);
    // "name" and "dev" everywhere: ip would read a bare interface name such as "a" as a keyword.
    lines.push(
      `link add name ${a.iface.name} netns ${a.node.netns} index ${a.iface.ifindex} address ${a.iface.mac} type veth peer name ${b.iface.name} netns ${b.node.netns} index ${b.iface.ifindex} address ${b.iface.mac}`,
    );
  }
  return lines;
}

function endOf(plan: TopologyPlan, end: { node: string; iface: string }) {
  const node = plan.nodes.find((n) => n.name === end.node);
  const iface = node?.interfaces.find((i) => i.name === end.iface);
  if (!node || !iface) throw new Error(`link end ${end.node}:${end.iface} is not in the plan`);
  return { node, iface };
}

/**
 * Inside one namespace, before the sysctls: the node's own devices, all down. Bridges first, so that
 * a VLAN or macvlan can be made on one; the veths exist already.
 */
export function nodeDevicesBatch(node: NodePlan): string[] {
  const lines: string[] = [];
  for (const bridge of node.interfaces.filter((i) => i.kind === 'bridge')) {
    const nf =
      bridge.nfCallIptables === undefined
        ? ''
        : ` nf_call_iptables ${bridge.nfCallIptables ? 1 : 0}`;
    lines.push(`link add name ${bridge.name} address ${bridge.mac} type bridge${nf}`);
  }
  for (const iface of node.interfaces) {
    const made = `link add link ${iface.parent} name ${iface.name}`;
    const address = inheritsMac(iface) ? '' : ` address ${iface.mac}`;
    if (iface.kind === 'vlan') lines.push(`${made} type vlan id ${iface.vlanId}`);
    if (iface.kind === 'macvlan') {
      lines.push(`${made}${address} type macvlan mode ${iface.macvlanMode}`);
    }
  }
  return lines;
}

/** The devices a node brings up in the first pass; bridges wait for the second. */
const UP_FIRST = new Set<InterfacePlan['kind']>(['veth', 'vlan', 'macvlan']);

/**
 * Inside one namespace, first pass: ports enslaved, addresses, veths and their sub-interfaces up.
 * Bridges wait for the second pass, so that their ports have carrier by the time they open. A node
 * without a bridge adds its routes and neighbours here too: a device that is up takes them before
 * it has carrier, and that saves the node its second process.
 */
export function nodeLinksBatch(node: NodePlan): string[] {
  const lines = ['link set dev lo up'];
  for (const iface of node.interfaces) {
    if (iface.master) lines.push(`link set dev ${iface.name} master ${iface.master}`);
    if (iface.hairpin !== undefined) {
      lines.push(
        `link set dev ${iface.name} type bridge_slave hairpin ${iface.hairpin ? 'on' : 'off'}`,
      );
    }
  }
  // After enslaving: a bridge takes its ports' lowest MTU until one is set on it.
  for (const iface of node.interfaces) {
    if (iface.mtu !== undefined) lines.push(`link set dev ${iface.name} mtu ${iface.mtu}`);
  }
  for (const iface of node.interfaces) {
    for (const address of iface.addresses) lines.push(addressLine(iface, address));
  }
  for (const iface of node.interfaces)
    if (UP_FIRST.has(iface.kind)) lines.push(`link set dev ${iface.name} up`);
  if (!hasBridge(node)) lines.push(...routesAndNeighbours(node));
  return lines;
}

/**
 * Second pass, once every veth is up, for a node with a bridge: bridges up, then routes and
 * neighbours, which may need a bridge. A bridge that opens with carrier on its ports starts
 * forwarding at once; one that gets carrier later waits for the kernel's next linkwatch run, up to
 * a second.
 */
export function nodeBridgesBatch(node: NodePlan): string[] {
  if (!hasBridge(node)) return [];
  const lines = node.interfaces
    .filter((i) => i.kind === 'bridge')
    .map((b) => `link set dev ${b.name} up`);
  return [...lines, ...routesAndNeighbours(node)];
}

function hasBridge(node: NodePlan): boolean {
  return node.interfaces.some((i) => i.kind === 'bridge');
}

function routesAndNeighbours(node: NodePlan): string[] {
  return [
    ...node.routes.map((route) => `route add ${route.to} via ${route.via}`),
    ...node.neighbors.map(
      (n) => `neigh replace ${n.address} lladdr ${n.mac} dev ${n.dev} nud permanent`,
    ),
  ];
}

function addressLine(iface: InterfacePlan, address: string): string {
  // nodad: duplicate address detection would hold IPv6 addresses back for a second or more.
  const nodad = address.includes(':') ? ' nodad' : '';
  return `addr add ${address} dev ${iface.name}${nodad}`;
}

export async function ipBatch(
  lines: string[],
  {
    action,
    node,
    netns,
    signal,
  }: { action: string; node?: string; netns?: string; signal?: AbortSignal },
): Promise<void> {
  const argv = netns ? ['ip', '-n', netns, '-batch', '-'] : ['ip', '-batch', '-'];
  try {
    await runCommand(argv, {
      action,
      stage: 'build',
      node,
      input: `${lines.join('\n')}\n`,
      signal,
    });
  } catch (error) {
    // ip names the failing line ("Command failed -:7"); put that line in the message.
    if (!(error instanceof NatlabError)) throw error;
    const line = Number(/Command failed -:(\d+)/.exec(error.stderr ?? '')?.[1]);
    if (!line) throw error;
    throw new NatlabError(`${error.shortMessage} (batch line ${line}: ${lines[line - 1]})`, {
      code: error.code,
      stage: error.stage,
      node: error.node,
      command: error.command,
      stderr: error.stderr,
      cause: error,
    });
  }
}

export async function deleteNamespaces(names: readonly string[]): Promise<void> {
  // Processes would keep a deleted namespace alive, unnamed: end them first.
  await killProcessesIn(names);
  await removeEtcFiles(names);
  const present = await existingNamespaces(names);
  if (present.length === 0) return;
  await runCommand(['ip', '-batch', '-'], {
    action: 'delete namespaces',
    stage: 'teardown',
    input: `${present.map((n) => `netns del ${n}`).join('\n')}\n`,
  });
}

/**
 * `ip netns exec NS` shows a process /etc/netns/NS/hosts and resolv.conf in place of the host's
 * files: that is how a node gets its own names and resolver, with the host's left untouched.
 */
async function writeEtcFiles(plan: TopologyPlan): Promise<void> {
  for (const node of plan.nodes) {
    const files = Object.entries(node.etc);
    if (files.length === 0) continue;
    const dir = join(ETC_NETNS, node.netns);
    await mkdir(dir, { recursive: true });
    for (const [name, text] of files) {
      // Tools look up the machine's own name (curl does, after a transfer); without it here, that
      // lookup would go to a resolver the lab cannot reach and wait out its timeout.
      const own = name === 'hosts' ? `127.0.1.1 ${hostname()}\n` : '';
      await writeFile(join(dir, name), `${text ?? ''}${own}`);
    }
  }
}

async function removeEtcFiles(names: readonly string[]): Promise<void> {
  for (const name of names) await rm(join(ETC_NETNS, name), { recursive: true, force: true });
  // The directory itself only if nothing else lives there.
  await rmdir(ETC_NETNS).catch(() => undefined);
}
