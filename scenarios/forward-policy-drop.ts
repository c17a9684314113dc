// A router whose FORWARD policy is DROP lets the LAN out only for ping; telnet it refuses with a
// REJECT rule. natlab names what dropped each blocked probe from the counters it reads after the
// traffic: the REJECT rule for telnet, the chain's policy for web (iptables-save -c prints the
// policy's own counter: ":FORWARD DROP [1:60]").
// iptables(8): a built-in chain's policy decides a packet none of its rules decided ("-P chain
// target"); iptables-extensions(8), REJECT: "send back an error packet in response to the matched
// packet: otherwise it is equivalent to DROP", and tcp-reset "causes a TCP RST packet to be sent
// back".
//
//   client ──ping──▶ router ──▶ isp ──▶ remote    accepted (-i lan0 -o wan0 -p icmp)
//   client ──SYN :80──▶ router ✗                 FORWARD policy DROP
//   client ──SYN :23──▶ router ✗ ──RST──▶ client  REJECT --reject-with tcp-reset

import { defineScenario } from 'natlab';
import { REMOTE_IP } from './lib/hairpin-lab.ts';
import { homeRouterFilterLab } from './lib/home-router-filter.ts';

export default defineScenario({
  description: 'FORWARD policy DROP: LAN ping passes, web dies at the policy, telnet is rejected',
  ...homeRouterFilterLab([
    '-A FORWARD -i lan0 -o wan0 -p icmp -j ACCEPT',
    '-A FORWARD -i lan0 -o wan0 -p tcp -m tcp --dport 23 -j REJECT --reject-with tcp-reset',
  ]),
  probes: [
    { name: 'lan-ping', from: 'client', ping: REMOTE_IP, expect: 'connects' },
    { name: 'lan-web', from: 'client', url: `http://${REMOTE_IP}/`, expect: 'fails' },
    { name: 'lan-telnet', from: 'client', kind: 'tcp', to: REMOTE_IP, port: 23, expect: 'fails' },
  ],
  // Both blocked probes fail as expected; their findings are asked for, so they are kept and checked.
  diagnosis: { 'dropped-by-rule': true },
  counters: [
    {
      name: 'the telnet REJECT rule counted the one SYN',
      on: 'router',
      rule: { table: 'filter', chain: 'FORWARD', position: 3 },
      packets: { exactly: 1 },
    },
    {
      name: 'the ping rule counted the echo request (its reply is ESTABLISHED)',
      on: 'router',
      rule: { table: 'filter', chain: 'FORWARD', position: 2 },
      packets: { exactly: 1 },
    },
  ],
  flows: [
    {
      name: 'the router answers the telnet SYN with RST itself',
      at: 'client:eth0',
      during: 'lan-telnet',
      match: { direction: 'in', src: REMOTE_IP, sport: 23, tcp: { rst: true } },
      expect: 'seen',
    },
    {
      name: 'no web SYN leaves the router',
      at: 'router:wan0',
      during: 'lan-web',
      match: { proto: 'tcp', dport: 80 },
      expect: 'absent',
    },
  ],
});
