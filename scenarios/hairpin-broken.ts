// The classic failure (MikroTik wiki "Hairpin NAT", seeds 000/002/004): a port forward with no SNAT
// for LAN clients. The server answers the LAN client directly from its private address, the client
// does not know that address and resets the connection. Conntrack never sees a reply to its entry
// (the SYN-ACK bypasses the router), so the entry stays SYN_SENT [UNREPLIED] with a reply tuple
// that was never SNATed; nat-table rules only count a connection's first packet (iptables(8),
// "nat": "consulted when a packet that creates a new connection is encountered").
//
//   client ──SYN→ 203.0.113.1──▶ router DNAT ──SYN→ 192.168.1.2──▶ server
//   client ◀──SYN-ACK from 192.168.1.2 (straight over the switch)── server
//   client ──RST──▶ server

import { defineScenario } from 'natlab';
import {
  CLIENT_IP,
  hairpinLab,
  LAN_SERVER_IP,
  lanClientProbe,
  PUBLIC_IP,
  portForwardRules,
  remoteProbe,
} from './lib/hairpin-lab.ts';

export default defineScenario({
  description:
    'Port forward without hairpin SNAT: the LAN client is answered from the wrong address',
  ...hairpinLab({ router: [portForwardRules()] }),
  probes: [remoteProbe(), lanClientProbe({ expect: 'fails' })],
  diagnosis: { 'asymmetric-reply': true },
  conntrack: [
    {
      name: 'router keeps the hairpin connection in SYN_SENT [UNREPLIED], not SNATed',
      on: 'router',
      match: {
        proto: 'tcp',
        state: 'SYN_SENT',
        status: ['UNREPLIED'],
        orig: { src: CLIENT_IP, dst: PUBLIC_IP, dport: 80 },
        reply: { src: LAN_SERVER_IP, dst: CLIENT_IP },
      },
      expect: 'seen',
    },
  ],
  counters: [
    {
      name: 'the DNAT rule counted both connections, the remote one and the hairpin',
      on: 'router',
      rule: { table: 'nat', chain: 'PREROUTING', position: 1 },
      packets: { exactly: 2 },
    },
    {
      name: 'the masquerade out wan0 counted nothing: neither connection leaves by wan0',
      on: 'router',
      rule: { table: 'nat', chain: 'POSTROUTING', position: 1 },
      packets: { exactly: 0 },
    },
  ],
  flows: [
    {
      name: 'server:eth0 gets the SYN with the real client source 192.168.1.10',
      at: 'server:eth0',
      during: 'lan-client',
      match: {
        proto: 'tcp',
        src: CLIENT_IP,
        dst: LAN_SERVER_IP,
        dport: 80,
        tcp: { syn: true, ack: false },
      },
      expect: 'seen',
    },
    {
      name: 'client:eth0 gets the SYN-ACK straight from 192.168.1.2:80',
      at: 'client:eth0',
      during: 'lan-client',
      match: { direction: 'in', src: LAN_SERVER_IP, sport: 80, tcp: { syn: true, ack: true } },
      expect: 'seen',
    },
    {
      name: 'client:eth0 never gets a SYN-ACK from 203.0.113.1',
      at: 'client:eth0',
      during: 'lan-client',
      match: { src: PUBLIC_IP, tcp: { syn: true, ack: true } },
      expect: 'absent',
    },
    {
      name: 'client answers the stray SYN-ACK with RST',
      at: 'client:eth0',
      during: 'lan-client',
      match: {
        direction: 'out',
        src: CLIENT_IP,
        dst: LAN_SERVER_IP,
        dport: 80,
        tcp: { rst: true },
      },
      expect: 'seen',
    },
  ],
});
