// The neutral hairpin lab: the catalog topology with no ruleset of its own. It states what a correct
// ruleset must achieve; candidates come from `--ruleset FILE` and replace the router's ruleset.
//   npm run scenario hairpin -- --ruleset broken.rsc --ruleset fixed.rsc --ruleset seed003.rules
// RouterOS names map onto the router: ether1/WAN is wan0, ether2/LAN/bridge is lan0; so do
// OpenWrt networks: wan and wan6 are wan0, lan is lan0.

import { defineScenario } from 'natlab';
import {
  clientSeesOnlyPublicPeer,
  hairpinLab,
  hairpinNat,
  LAN_SERVER_IP,
  lanClientProbe,
  remoteProbe,
} from './lib/hairpin-lab.ts';

export default defineScenario({
  description: 'Neutral hairpin lab: judge candidate rulesets (--ruleset FILE) on the router',
  nat: hairpinNat,
  ...hairpinLab({ router: [] }),
  // A handshake in the lab takes milliseconds; 2 s keeps a broken candidate from costing 5.
  probes: [remoteProbe(), { ...lanClientProbe({ expect: 'connects' }), connectTimeoutMs: 2000 }],
  flows: [
    ...clientSeesOnlyPublicPeer,
    {
      name: 'the server is reached by the LAN client',
      at: 'server:eth0',
      during: 'lan-client',
      match: { dst: LAN_SERVER_IP, dport: 80, tcp: { syn: true, ack: false } },
      expect: 'seen',
    },
  ],
});
