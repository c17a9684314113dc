// Where an OpenWrt zone is on the router: fw4 asks netifd for each network's device and subnets;
// natlab takes them from a map of network names and the node's own interface addresses. Pure.

import ipaddr from 'ipaddr.js';
import { parseCidr } from '../net/addresses.ts';
import { OpenWrtError, type OpenWrtZone } from './openwrt-firewall.ts';

export interface OpenWrtHost {
  /** OpenWrt network name (lan, wan) → the node's interface that carries it. */
  networks: Record<string, string>;
  /** The node's interfaces → their addresses, CIDR form ("192.168.1.1/24"). */
  addresses: Record<string, string[]>;
}

/** A zone as the router has it: fw4 takes a network's device and subnets from netifd. */
export interface ResolvedZone {
  zone: OpenWrtZone;
  /** Devices, "eth*" for a wildcard. */
  devices: string[];
  /** The router's own addresses on the zone's networks, with their prefix. */
  subnets: { address: string; prefix: number }[];
  dnat: string[];
  snat: string[];
}

export const network = (s: { address: string; prefix: number }) =>
  s.prefix === 32
    ? s.address
    : `${ipaddr.IPv4.networkAddressFromCIDR(`${s.address}/${s.prefix}`)}/${s.prefix}`;
export const inside = (address: string, s: { address: string; prefix: number }) =>
  ipaddr.IPv4.parse(address).match(ipaddr.IPv4.parse(s.address), s.prefix);

export function resolveZone(zone: OpenWrtZone, host: OpenWrtHost): ResolvedZone {
  const devices: string[] = [];
  const subnets: ResolvedZone['subnets'] = [];
  for (const name of zone.networks) {
    const device = host.networks[name];
    if (!device) {
      throw new OpenWrtError(
        zone.line,
        'network',
        `network "${name}" of zone "${zone.name}" has no device here: map it to one of the router's interfaces (${Object.keys(host.addresses).join(', ')}), e.g. --iface-map ${name}=IFACE, or give the zone option device`,
      );
    }
    devices.push(device);
    for (const cidr of host.addresses[device] ?? []) {
      const parsed = parseCidr(cidr);
      const subnet = { address: parsed?.address.toString() ?? '', prefix: parsed?.prefix ?? 0 };
      const seen = subnets.some((s) => s.address === subnet.address && s.prefix === subnet.prefix);
      if (parsed?.address.kind() === 'ipv4' && !seen) subnets.push(subnet);
    }
  }
  devices.push(...zone.devices.map((d) => d.replace(/\+$/, '*')));
  if (devices.length === 0) {
    throw new OpenWrtError(
      zone.line,
      'network',
      `zone "${zone.name}" names no network or device, so natlab cannot tell where its NAT applies`,
    );
  }
  return { zone, devices: [...new Set(devices)], subnets, dnat: [], snat: [] };
}

/** The host of a scenario node's openwrt ruleset: its `networks` map and the node's addresses. */
export function nodeHost(
  networks: Record<string, string> | undefined,
  interfaces: readonly { name: string; addresses: readonly string[] }[],
): OpenWrtHost {
  const addresses = Object.fromEntries(interfaces.map((i) => [i.name, [...i.addresses]]));
  return { networks: networks ?? {}, addresses };
}
