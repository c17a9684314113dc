// A port forward through a default-drop filter: FORWARD's policy is DROP, and the one rule that lets
// the internet in accepts connections conntrack DNATed (-m conntrack --ctstate DNAT), as firewall4
// accepts port forwards with "ct status dnat accept comment "!fw4: Accept port forwards"" (its
// ruleset.uc, forward_<zone>). The kernel's xt_conntrack sets the DNAT state when the connection
// has IPS_DST_NAT_BIT. Only the first packet reaches that rule: the rest are ESTABLISHED.

import { defineScenario } from 'natlab';
import { REMOTE_IP, remoteProbe } from './lib/hairpin-lab.ts';
import { homeRouterFilterLab } from './lib/home-router-filter.ts';

export default defineScenario({
  description: 'Port forward through a FORWARD policy DROP filter that accepts DNATed connections',
  ...homeRouterFilterLab([
    '-A FORWARD -m conntrack --ctstate INVALID -j DROP',
    '-A FORWARD -i lan0 -o wan0 -j ACCEPT',
    '-A FORWARD -i wan0 -m conntrack --ctstate DNAT -j ACCEPT',
  ]),
  probes: [
    remoteProbe(),
    { name: 'lan-ping', from: 'client', ping: REMOTE_IP, expect: 'connects' },
  ],
  diagnosis: { 'dropped-by-rule': false },
  counters: [
    {
      name: 'the DNAT accept rule counted the port forward SYN only',
      on: 'router',
      rule: { table: 'filter', chain: 'FORWARD', position: 4 },
      packets: { exactly: 1 },
    },
    {
      name: 'nothing was invalid',
      on: 'router',
      rule: { table: 'filter', chain: 'FORWARD', position: 2 },
      packets: { exactly: 0 },
    },
  ],
});
