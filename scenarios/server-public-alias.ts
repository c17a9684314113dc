// Seed 003's "secondary /32" answer: the server also holds the public address, on its loopback, and
// LAN clients have a host route for it via the server. LAN traffic to 203.0.113.1 then goes straight
// to the server, which sees the real client; the remote side still uses the router's port forward.

import { defineScenario } from 'natlab';
import {
  CLIENT_IP,
  hairpinLab,
  LAN_SERVER_IP,
  lanClientProbe,
  lanTcpBypassesRouter,
  PUBLIC_IP,
  portForwardRules,
  remoteProbe,
  withNodes,
} from './lib/hairpin-lab.ts';

export default defineScenario({
  description: 'Public address as a /32 on the server plus a host route: no hairpin, real client',
  ...withNodes(hairpinLab({ router: [portForwardRules()] }), {
    server: { interfaces: { lo: { addresses: [`${PUBLIC_IP}/32`] } } },
    client: { routes: [{ to: `${PUBLIC_IP}/32`, via: LAN_SERVER_IP }] },
  }),
  probes: [remoteProbe(), lanClientProbe({ expect: 'connects', serverSees: CLIENT_IP })],
  flows: [
    {
      name: 'client:eth0 gets its SYN-ACK from 203.0.113.1:80, sent by the server itself',
      at: 'client:eth0',
      during: 'lan-client',
      match: { direction: 'in', src: PUBLIC_IP, sport: 80, tcp: { syn: true, ack: true } },
      expect: 'seen',
    },
    lanTcpBypassesRouter,
  ],
});
