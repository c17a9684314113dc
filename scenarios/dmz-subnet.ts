// Seed 001's "no hairpin rule needed": the server on its own subnet behind router dmz0. Its reply must
// cross the router, which undoes the DNAT, so the client's real address survives end to end.

import { defineScenario } from 'natlab';
import {
  CLIENT_IP,
  clientSeesOnlyPublicPeer,
  DMZ_SERVER_IP,
  hairpinLab,
  lanClientProbe,
  PUBLIC_IP,
  remoteProbe,
} from './lib/hairpin-lab.ts';

export default defineScenario({
  description: 'Server on its own subnet (DMZ): no hairpin rule, the server sees the real client',
  ...hairpinLab({
    dmz: true,
    router: [
      {
        format: 'iptables',
        text: [
          '*nat',
          `-A PREROUTING -d ${PUBLIC_IP}/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination ${DMZ_SERVER_IP}`,
          '-A POSTROUTING -o wan0 -j MASQUERADE',
          'COMMIT',
          '',
        ].join('\n'),
      },
    ],
  }),
  probes: [remoteProbe(), lanClientProbe({ expect: 'connects', serverSees: CLIENT_IP })],
  flows: clientSeesOnlyPublicPeer,
});
