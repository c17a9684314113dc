// A UDP port forward (DNAT udp 203.0.113.1:51820 → 192.168.1.2:51820, a WireGuard-style port) with
// the MikroTik wiki's hairpin fix: masquerade LAN → server traffic out the LAN port. From the internet
// the server sees the remote client; from the LAN it sees the router (192.168.1.1), and the reply
// comes back through the router, which undoes both rewrites.
// Documented in the MikroTik wiki, "Hairpin NAT" (help.mikrotik.com/docs, NAT: Hairpin NAT), and for
// UDP by netfilter's conntrack, which tracks a datagram and its reply as one flow
// (conntrack-tools manual, netfilter.org; nf_conntrack_proto_udp), so DNAT and masquerade are undone
// on the reply as for TCP.
// A datagram to a port that is not forwarded is refused by the router (ICMP port unreachable). Also
// TCP connect probes with no HTTP: the LAN client reaches a TCP service on the server directly, and a
// port nothing listens on refuses.

import { defineScenario } from 'natlab';
import {
  CLIENT_IP,
  hairpinLab,
  LAN_SERVER_IP,
  natTable,
  PUBLIC_IP,
  REMOTE_IP,
  ROUTER_LAN_IP,
  withNodes,
} from './lib/hairpin-lab.ts';

const UDP_PORT = 51820;
const TCP_PORT = 2222;

export default defineScenario({
  description: 'UDP port forward with a masquerade hairpin fix; TCP connects with no HTTP',
  ...withNodes(
    hairpinLab({
      router: [
        natTable([
          `-A PREROUTING -d ${PUBLIC_IP}/32 -p udp -m udp --dport ${UDP_PORT} -j DNAT --to-destination ${LAN_SERVER_IP}:${UDP_PORT}`,
          '-A POSTROUTING -o wan0 -j MASQUERADE',
          `-A POSTROUTING -s 192.168.1.0/24 -d ${LAN_SERVER_IP}/32 -p udp -m udp --dport ${UDP_PORT} -o lan0 -j MASQUERADE`,
        ]),
      ],
    }),
    {
      server: {
        services: [
          { kind: 'http', port: 80 },
          { kind: 'udp', port: UDP_PORT },
          { kind: 'tcp', port: TCP_PORT },
        ],
      },
    },
  ),
  probes: [
    {
      name: 'remote',
      from: 'remote',
      kind: 'udp',
      to: PUBLIC_IP,
      port: UDP_PORT,
      expect: 'connects',
      serverSees: REMOTE_IP,
    },
    {
      name: 'lan-client',
      from: 'client',
      kind: 'udp',
      to: PUBLIC_IP,
      port: UDP_PORT,
      expect: 'connects',
      serverSees: ROUTER_LAN_IP,
    },
    {
      // No forward for this port: the router itself answers ICMP port unreachable.
      name: 'remote-unforwarded',
      from: 'remote',
      kind: 'udp',
      to: PUBLIC_IP,
      port: UDP_PORT + 1,
      expect: 'fails',
    },
    {
      name: 'lan-tcp',
      from: 'client',
      kind: 'tcp',
      to: LAN_SERVER_IP,
      port: TCP_PORT,
      expect: 'connects',
      serverSees: CLIENT_IP,
    },
    {
      name: 'lan-tcp-closed',
      from: 'client',
      kind: 'tcp',
      to: LAN_SERVER_IP,
      port: TCP_PORT + 1,
      expect: 'fails',
    },
  ],
  flows: [
    {
      name: 'server:eth0 gets the LAN client datagram from the router 192.168.1.1',
      at: 'server:eth0',
      during: 'lan-client',
      match: { proto: 'udp', src: ROUTER_LAN_IP, dport: UDP_PORT, direction: 'in' },
      expect: 'seen',
    },
    {
      name: 'client:eth0 gets its reply from 203.0.113.1:51820',
      at: 'client:eth0',
      during: 'lan-client',
      match: { proto: 'udp', src: PUBLIC_IP, sport: UDP_PORT, direction: 'in' },
      expect: 'seen',
    },
    {
      name: 'client:eth0 never receives UDP from a private address',
      at: 'client:eth0',
      during: 'lan-client',
      match: { proto: 'udp', direction: 'in', src: '192.168.0.0/16' },
      expect: 'absent',
    },
  ],
});
