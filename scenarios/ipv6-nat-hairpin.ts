// ipv6-nat-hairpin-broken fixed as hairpin-masquerade fixes IPv4's: LAN → server traffic is
// masqueraded out lan0, so the server answers the router, which undoes both rewrites. Every probe
// kind over IPv6 through the NAT66 router: HTTP, UDP and TCP port forwards from the internet (the
// server sees the remote client) and from the LAN (it sees the router, fd00:1::1), and pings, one
// of them 1232 bytes with don't-fragment set: a 1280-byte packet, IPv6's minimum MTU.
// IPv6 NAT is in Linux since 3.7 (see ipv6-nat-hairpin-broken: the commit "netfilter: ipv6: add
// IPv6 NAT support", ip6tables' nat table from iptables 1.4.17); conntrack undoes DNAT and
// masquerade on the reply for TCP and UDP alike.

import { defineScenario, type ProbeDef } from 'natlab';
import {
  CLIENT6,
  HAIRPIN_MASQUERADE6,
  ip6PortForward,
  ipv6NatLab,
  LAN6,
  PUBLIC6,
  PUBLIC6_URL,
  REMOTE6,
  ROUTER_LAN6,
  SERVER6,
  TCP_PORT,
  UDP_PORT,
} from './lib/ipv6-nat-lab.ts';

/** The same three services from both sides: the server sees the remote client, or the router. */
function portProbes(from: 'remote' | 'client', serverSees: string): ProbeDef[] {
  const side = from === 'remote' ? 'remote' : 'lan';
  return [
    { name: `${side}-http`, from, url: PUBLIC6_URL, expect: 'connects', serverSees },
    {
      name: `${side}-udp`,
      from,
      kind: 'udp',
      to: PUBLIC6,
      port: UDP_PORT,
      expect: 'connects',
      serverSees,
    },
    {
      name: `${side}-tcp`,
      from,
      kind: 'tcp',
      to: PUBLIC6,
      port: TCP_PORT,
      expect: 'connects',
      serverSees,
    },
  ];
}

export default defineScenario({
  description:
    'IPv6 NAT66 hairpin fix: masquerade LAN → server out lan0; every probe kind over IPv6',
  ...ipv6NatLab([ip6PortForward([HAIRPIN_MASQUERADE6])]),
  probes: [
    ...portProbes('remote', REMOTE6),
    ...portProbes('client', ROUTER_LAN6),
    { name: 'lan-ping', from: 'client', ping: PUBLIC6, expect: 'connects' },
    {
      name: 'remote-ping-1280',
      from: 'remote',
      ping: PUBLIC6,
      size: 1232,
      dontFragment: true,
      expect: 'connects',
    },
  ],
  diagnosis: { 'asymmetric-reply': false },
  conntrack: [
    {
      name: 'router holds the hairpin HTTP connection DNATed to the server and masqueraded to fd00:1::1',
      on: 'router',
      match: {
        proto: 'tcp',
        status: ['ASSURED'],
        orig: { src: CLIENT6, dst: PUBLIC6, dport: 80 },
        reply: { src: SERVER6, sport: 80, dst: ROUTER_LAN6 },
      },
      expect: 'seen',
    },
    {
      name: 'router holds the remote UDP flow DNATed, its source kept',
      on: 'router',
      match: {
        proto: 'udp',
        orig: { src: REMOTE6, dst: PUBLIC6, dport: UDP_PORT },
        reply: { src: SERVER6, dst: REMOTE6 },
      },
      expect: 'seen',
    },
    {
      name: 'router answered the pings itself: an ICMPv6 entry for the LAN client',
      on: 'router',
      match: { proto: 'icmpv6', orig: { src: CLIENT6, dst: PUBLIC6 } },
      expect: 'seen',
    },
  ],
  counters: [
    {
      name: 'the hairpin masquerade counted the three LAN connections (HTTP, UDP, TCP)',
      on: 'router',
      rule: { table: 'ip6 nat', chain: 'POSTROUTING', position: 2 },
      packets: { exactly: 3 },
    },
    {
      name: 'each port forward counted its remote and its LAN connection',
      on: 'router',
      rule: { table: 'ip6 nat', chain: 'PREROUTING' },
      packets: { exactly: 6 },
    },
  ],
  flows: [
    {
      name: 'client:eth0 gets its SYN-ACK from [2001:db8:203::1]:80',
      at: 'client:eth0',
      during: 'lan-http',
      match: { proto: 'tcp', src: PUBLIC6, sport: 80, tcp: { syn: true, ack: true } },
      expect: 'seen',
    },
    ...(['tcp', 'udp'] as const).map((proto) => ({
      name: `client:eth0 never receives ${proto.toUpperCase()} from the ULA LAN`,
      at: 'client:eth0',
      match: { proto, direction: 'in' as const, src: LAN6 },
      expect: 'absent' as const,
    })),
    {
      name: 'server:eth0 gets the SYN from the router fd00:1::1',
      at: 'server:eth0',
      during: 'lan-http',
      match: { proto: 'tcp', src: ROUTER_LAN6, dport: 80, tcp: { syn: true, ack: false } },
      expect: 'seen',
    },
    {
      name: 'the 1280-byte echo request crosses wan0 whole',
      at: 'router:wan0',
      during: 'remote-ping-1280',
      match: { direction: 'in', src: REMOTE6, ipLength: 1280 },
      expect: 'seen',
    },
  ],
});
