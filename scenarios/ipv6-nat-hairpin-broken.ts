// hairpin-broken on IPv6: a NAT66 router (ip6tables nat table) port-forwards its public address
// 2001:db8:203::1 to a server on the ULA LAN, with no hairpin SNAT. The remote client connects; the
// LAN client's SYN is DNATed back onto its own link with its source unchanged, the server answers it
// straight over the switch from fd00:1::2, and the client, which asked 2001:db8:203::1, resets.
// IPv6 NAT is in Linux since 3.7: the kernel commit "netfilter: ipv6: add IPv6 NAT support" (Patrick
// McHardy, 2012-08-30) created net/ipv6/netfilter/ip6table_nat.c, and ip6tables has its nat table
// from iptables 1.4.17 ("Since the release of the Linux 3.7.0 kernel IPv6 NAT is possible ... at
// least version 1.4.17", atoomnet.net, "Howto IPv6 NAT in Centos 6"). A DNAT without SNAT for LAN
// clients fails as in IPv4 (MikroTik wiki, "Hairpin NAT"): nat rules see a connection's first
// packet only, and conntrack never sees the reply. The router also sends the client an ICMPv6
// redirect (RFC 4861, Redirect Function), as it forwards the SYN back out the link it came in on.
//
//   client ──SYN→ [2001:db8:203::1]:80 ──▶ router DNAT ──SYN→ [fd00:1::2]:80 ──▶ server
//   client ◀──SYN-ACK from fd00:1::2 (straight over the switch)── server
//   client ──RST──▶ server

import { defineScenario } from 'natlab';
import { brokenHairpinChecks } from './lib/broken-hairpin-checks.ts';
import {
  CLIENT6,
  ip6PortForward,
  ipv6NatLab,
  PUBLIC6,
  PUBLIC6_URL,
  REMOTE6,
  SERVER6,
} from './lib/ipv6-nat-lab.ts';

export default defineScenario({
  description:
    'IPv6 NAT66 port forward without hairpin SNAT: the LAN client is answered from the ULA',
  ...ipv6NatLab([ip6PortForward()]),
  probes: [
    { name: 'remote', from: 'remote', url: PUBLIC6_URL, expect: 'connects', serverSees: REMOTE6 },
    { name: 'lan-client', from: 'client', url: PUBLIC6_URL, expect: 'fails' },
  ],
  diagnosis: { 'asymmetric-reply': true },
  ...brokenHairpinChecks({
    client: CLIENT6,
    publicAddress: PUBLIC6,
    server: SERVER6,
    natTable: 'ip6 nat',
  }),
});
