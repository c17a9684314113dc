// LAN hosts reach each other over the switch, without the gateway and without NAT.

import { defineScenario } from 'natlab';
import { DESK_IP, officeLab } from '../lab/office.ts';

export default defineScenario({
  description: 'The desk reaches the web server directly, the gateway never sees it',
  ...officeLab(),
  probes: [
    {
      name: 'desk',
      from: 'desk',
      url: 'http://10.20.0.20/',
      expect: 'connects',
      serverSees: DESK_IP,
    },
  ],
  flows: [
    {
      name: 'no TCP of the desk passes the gateway',
      at: 'gw:lan0',
      during: 'desk',
      match: { proto: 'tcp' },
      expect: 'absent',
    },
  ],
});
