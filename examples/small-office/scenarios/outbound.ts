// Every LAN host reaches the internet, masqueraded behind the gateway's public address.

import { defineScenario } from 'natlab';
import { INTERNET_IP, LAN, officeLab, PUBLIC_IP } from '../lab/office.ts';

export default defineScenario({
  description: 'The desk reaches the internet, masqueraded behind 192.0.2.2',
  ...officeLab(),
  probes: [
    {
      name: 'desk',
      from: 'desk',
      url: `http://${INTERNET_IP}/`,
      expect: 'connects',
      serverSees: PUBLIC_IP,
    },
  ],
  flows: [
    {
      name: `no packet leaves wan0 from a LAN address (${LAN})`,
      at: 'gw:wan0',
      match: { direction: 'out', src: LAN },
      expect: 'absent',
    },
    {
      name: `the desk's SYN leaves wan0 from ${PUBLIC_IP}`,
      at: 'gw:wan0',
      during: 'desk',
      match: { direction: 'out', src: PUBLIC_IP, dst: INTERNET_IP, tcp: { syn: true, ack: false } },
      expect: 'seen',
    },
  ],
});
