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
import { brokenHairpinChecks } from './lib/broken-hairpin-checks.ts';
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
  ...brokenHairpinChecks({
    client: CLIENT_IP,
    publicAddress: PUBLIC_IP,
    server: LAN_SERVER_IP,
    natTable: 'nat',
  }),
});
