// 192.0.2.2:8080 is forwarded to the NAS's port 80, from the internet and, through hairpin NAT, from
// the LAN. The ruleset forgot the NAS's hairpin rule, so the desk's check fails: the NAS answers the
// desk straight from 10.20.0.30 and the desk resets the connection.

import { defineScenario } from 'natlab';
import { forwardChecks, officeLab } from '../lab/office.ts';

export default defineScenario({
  description: 'Port 8080 reaches the NAS from the internet and from the LAN',
  ...officeLab(),
  ...forwardChecks(8080),
});
