// Seed 003's iptables-restore answer, addresses moved to the catalog: SNAT LAN → server traffic to the
// router's public address (and, as in the seed, to source port 80). The server sees 203.0.113.1.

import { defineScenario } from 'natlab';
import {
  CLIENT_IP,
  clientSeesOnlyPublicPeer,
  hairpinLab,
  LAN_SERVER_IP,
  lanClientProbe,
  PUBLIC_IP,
  ROUTER_LAN_IP,
  remoteProbe,
} from './lib/hairpin-lab.ts';

const SEED_003_RULES = `# Port forwarding with "hairpin NAT" (seed 003, addresses adapted).
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -o wan0 -j MASQUERADE
-A PREROUTING  -4 -p tcp -d ${PUBLIC_IP} --dport  80 -j DNAT --to ${LAN_SERVER_IP}:80
-A POSTROUTING -4 -p tcp -s 192.168.1.0/24 -d ${LAN_SERVER_IP} --dport  80 -j SNAT --to-source ${PUBLIC_IP}:80
COMMIT
`;

export default defineScenario({
  description: 'Hairpin fix from seed 003: SNAT LAN → server to the public address',
  ...hairpinLab({ router: [{ format: 'iptables', text: SEED_003_RULES }] }),
  probes: [
    remoteProbe(),
    lanClientProbe({ expect: 'connects', serverSees: PUBLIC_IP }),
    // The SNAT rule is TCP only: a ping to the router's LAN address goes and comes back untouched.
    { name: 'ping-router', from: 'client', ping: ROUTER_LAN_IP, expect: 'connects' },
  ],
  flows: [
    ...clientSeesOnlyPublicPeer,
    {
      name: 'server:eth0 answers the hairpinned SYN once, to 203.0.113.1:80',
      at: 'server:eth0',
      during: 'lan-client',
      match: {
        direction: 'out',
        src: LAN_SERVER_IP,
        dst: PUBLIC_IP,
        dport: 80,
        tcp: { syn: true, ack: true },
      },
      count: { exactly: 1 },
    },
    {
      name: "router:lan0 gets one echo request of ping's default 84 bytes from the client",
      at: 'router:lan0',
      during: 'ping-router',
      match: {
        direction: 'in',
        src: CLIENT_IP,
        icmp: { type: 'echo-request', code: 0 },
        ipLength: 84,
      },
      count: { exactly: 1 },
    },
    {
      name: 'client:eth0 gets the echo reply from the router, 84 bytes in all',
      at: 'client:eth0',
      during: 'ping-router',
      match: { direction: 'in', src: ROUTER_LAN_IP, icmp: { type: 0 } },
      expect: 'seen',
      bytes: { exactly: 84 },
    },
  ],
});
