// 192.0.2.2:80 is forwarded to the web server, from the internet and, through hairpin NAT, from the LAN.

import { defineScenario } from 'natlab';
import { forwardChecks, officeLab } from '../lab/office.ts';

export default defineScenario({
  description: 'Port 80 reaches the web server from the internet and from the LAN',
  ...officeLab(),
  ...forwardChecks(80),
});
