// Seed 003's bridged-gateway bug: with br_netfilter on (the default), the wired client, which shares
// the switch port with the modem, cannot reach the internet, while the wifi client can. The reply to
// the wired client arrives on gateway eth0, conntrack de-NATs it inside the bridge, and the bridge will
// not send it back out the port it came in on.

import { defineScenario } from 'natlab';
import {
  bridgedGateway,
  GATEWAY_WAN_IP,
  INTERNET_IP,
  internetProbe,
  WIRED_IP,
} from './lib/bridged-gateway.ts';

export default defineScenario({
  description: 'Bridged gateway with br_netfilter on: wired clients lose the internet, wifi works',
  needs: ['br-netfilter'],
  ...bridgedGateway(),
  probes: [internetProbe('wifi', 'connects'), internetProbe('wired', 'fails')],
  // The wired probe fails as expected; the finding that explains why is what this scenario shows.
  diagnosis: { 'swallowed-by-node': true },
  flows: [
    {
      name: 'the reply to the wired client arrives on gateway eth0',
      at: 'gateway:eth0',
      during: 'wired',
      match: {
        direction: 'in',
        src: INTERNET_IP,
        sport: 80,
        dst: GATEWAY_WAN_IP,
        tcp: { syn: true, ack: true },
      },
      expect: 'seen',
    },
    {
      name: 'the de-NATed reply never leaves the gateway on eth0',
      at: 'gateway:eth0',
      during: 'wired',
      match: { src: INTERNET_IP, dst: WIRED_IP },
      expect: 'absent',
    },
    {
      name: 'the de-NATed reply never leaves the gateway on wlan0',
      at: 'gateway:wlan0',
      during: 'wired',
      match: { src: INTERNET_IP, dst: WIRED_IP },
      expect: 'absent',
    },
    {
      name: 'the wired client never hears from the internet server',
      at: 'wired:eth0',
      during: 'wired',
      match: { src: INTERNET_IP },
      expect: 'absent',
    },
  ],
});
