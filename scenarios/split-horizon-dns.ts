// Seed 003's preferred answer: split-horizon DNS. The router's dnsmasq tells LAN clients that
// www.example.test is 192.168.1.2; the remote side resolves it to the public address 203.0.113.1.
// LAN traffic then goes straight over the switch: no hairpin, and the server sees the real client.
// The router keeps the plain port forward (the "broken" ruleset): LAN clients never use it.

import { defineScenario } from 'natlab';
import {
  CLIENT_IP,
  hairpinLab,
  LAN_SERVER_IP,
  lanTcpBypassesRouter,
  PUBLIC_IP,
  portForwardRules,
  REMOTE_IP,
  ROUTER_LAN_IP,
  SERVER_NAME,
  SERVER_URL,
  withNodes,
} from './lib/hairpin-lab.ts';

export default defineScenario({
  description: 'Split-horizon DNS: LAN clients resolve the server to its LAN address, no hairpin',
  needs: ['dnsmasq'],
  ...withNodes(hairpinLab({ router: [portForwardRules()] }), {
    router: { services: [{ kind: 'dns', records: { [SERVER_NAME]: LAN_SERVER_IP } }] },
    client: { nameserver: ROUTER_LAN_IP },
    remote: { hosts: { [SERVER_NAME]: PUBLIC_IP } },
  }),
  probes: [
    { name: 'remote', from: 'remote', url: SERVER_URL, expect: 'connects', serverSees: REMOTE_IP },
    {
      name: 'lan-client',
      from: 'client',
      url: SERVER_URL,
      expect: 'connects',
      serverSees: CLIENT_IP,
    },
  ],
  flows: [
    {
      name: 'the router answers the LAN client: www.example.test is 192.168.1.2',
      at: 'client:eth0',
      during: 'lan-client',
      match: { proto: 'udp', src: ROUTER_LAN_IP, sport: 53 },
      expect: 'seen',
    },
    {
      name: 'server:eth0 gets the SYN from the real client 192.168.1.10',
      at: 'server:eth0',
      during: 'lan-client',
      match: { src: CLIENT_IP, dst: LAN_SERVER_IP, dport: 80, tcp: { syn: true, ack: false } },
      expect: 'seen',
    },
    lanTcpBypassesRouter,
  ],
});
