// The masquerade fix written for nft. It must behave exactly like hairpin-masquerade.

import { defineScenario } from 'natlab';
import {
  clientSeesOnlyPublicPeer,
  hairpinLab,
  LAN_SERVER_IP,
  lanClientProbe,
  PUBLIC_IP,
  ROUTER_LAN_IP,
  remoteProbe,
} from './lib/hairpin-lab.ts';

const RULES = `table ip nat {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    ip daddr ${PUBLIC_IP} tcp dport 80 dnat to ${LAN_SERVER_IP}
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan0" masquerade
    ip saddr 192.168.1.0/24 ip daddr ${LAN_SERVER_IP} tcp dport 80 oifname "lan0" masquerade
  }
}
`;

export default defineScenario({
  description: 'Hairpin fix as an nft ruleset; same result as hairpin-masquerade',
  ...hairpinLab({ router: [{ format: 'nft', text: RULES }] }),
  probes: [remoteProbe(), lanClientProbe({ expect: 'connects', serverSees: ROUTER_LAN_IP })],
  flows: clientSeesOnlyPublicPeer,
});
