// Seed 003's iptables-restore answer, addresses moved to the catalog: SNAT LAN → server traffic to the
// router's public address (and, as in the seed, to source port 80). The server sees 203.0.113.1.

import { defineScenario } from 'natlab';
import {
  clientSeesOnlyPublicPeer,
  hairpinLab,
  LAN_SERVER_IP,
  lanClientProbe,
  PUBLIC_IP,
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
  probes: [remoteProbe(), lanClientProbe({ expect: 'connects', serverSees: PUBLIC_IP })],
  flows: clientSeesOnlyPublicPeer,
});
