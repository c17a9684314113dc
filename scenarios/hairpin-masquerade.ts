// The MikroTik wiki's fix: masquerade LAN → server traffic out the LAN port, so the reply goes back
// through the router, which undoes both rewrites. The server sees the router (192.168.1.1).

import { defineScenario } from 'natlab';
import {
  clientSeesOnlyPublicPeer,
  hairpinLab,
  LAN_SERVER_IP,
  lanClientProbe,
  portForwardRules,
  REMOTE_IP,
  ROUTER_LAN_IP,
  remoteProbe,
} from './lib/hairpin-lab.ts';

export default defineScenario({
  description: 'Hairpin fix: masquerade LAN → server out lan0; the server sees the router',
  ...hairpinLab({
    router: [
      portForwardRules([
        `-A POSTROUTING -s 192.168.1.0/24 -d ${LAN_SERVER_IP}/32 -p tcp -m tcp --dport 80 -o lan0 -j MASQUERADE`,
      ]),
    ],
  }),
  probes: [
    remoteProbe(REMOTE_IP),
    lanClientProbe({ expect: 'connects', serverSees: ROUTER_LAN_IP }),
  ],
  diagnosis: { 'asymmetric-reply': false },
  flows: [
    ...clientSeesOnlyPublicPeer,
    {
      name: 'server:eth0 gets the SYN from the router 192.168.1.1',
      at: 'server:eth0',
      during: 'lan-client',
      match: { proto: 'tcp', src: ROUTER_LAN_IP, dport: 80, tcp: { syn: true, ack: false } },
      expect: 'seen',
    },
  ],
});
