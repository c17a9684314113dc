// Seed 003's IPv6 answer: with global addresses there is no NAT, so there is no hairpin. The name
// points at the server's own IPv6 address (an AAAA-only hosts entry); the LAN client reaches it over
// the switch alone, the remote client through the router, whose addresses it does not rewrite.
// Addresses from the documentation prefix 2001:db8::/32; DAD is off, so nothing waits for it.
//
//   remote 2001:db8:100::10 ── isp ── 2001:db8:203::1 router 2001:db8:1::1 ── lan switch
//                                              server 2001:db8:1::2, client 2001:db8:1::10

import { defineScenario } from 'natlab';
import {
  hairpinLab,
  lanTcpBypassesRouter,
  portForwardRules,
  SERVER_NAME,
  SERVER_URL,
  withNodes,
} from './lib/hairpin-lab.ts';

const SERVER6 = '2001:db8:1::2';
const CLIENT6 = '2001:db8:1::10';
const REMOTE6 = '2001:db8:100::10';
const toServer = { [SERVER_NAME]: SERVER6 };

export default defineScenario({
  description: 'IPv6 without NAT: the LAN reaches the server over the switch alone',
  ...withNodes(hairpinLab({ router: [portForwardRules()] }), {
    remote: {
      ipv6: true,
      interfaces: { eth0: { addresses: [`${REMOTE6}/64`] } },
      routes: [{ to: 'default', via: '2001:db8:100::1' }],
      hosts: toServer,
    },
    isp: {
      ipv6: true,
      interfaces: {
        eth0: { addresses: ['2001:db8:100::1/64'] },
        eth1: { addresses: ['2001:db8:203::254/64'] },
      },
      routes: [{ to: '2001:db8:1::/64', via: '2001:db8:203::1' }],
    },
    router: {
      ipv6: true,
      interfaces: {
        wan0: { addresses: ['2001:db8:203::1/64'] },
        lan0: { addresses: ['2001:db8:1::1/64'] },
      },
      routes: [{ to: 'default', via: '2001:db8:203::254' }],
    },
    server: {
      ipv6: true,
      interfaces: { eth0: { addresses: [`${SERVER6}/64`] } },
      routes: [{ to: 'default', via: '2001:db8:1::1' }],
    },
    client: {
      ipv6: true,
      interfaces: { eth0: { addresses: [`${CLIENT6}/64`] } },
      routes: [{ to: 'default', via: '2001:db8:1::1' }],
      hosts: toServer,
    },
  }),
  probes: [
    { name: 'remote', from: 'remote', url: SERVER_URL, expect: 'connects', serverSees: REMOTE6 },
    {
      name: 'lan-client',
      from: 'client',
      url: SERVER_URL,
      expect: 'connects',
      serverSees: CLIENT6,
    },
  ],
  flows: [
    lanTcpBypassesRouter,
    {
      name: 'the remote SYN crosses the router unrewritten',
      at: 'router:lan0',
      during: 'remote',
      match: {
        direction: 'out',
        src: REMOTE6,
        dst: SERVER6,
        dport: 80,
        tcp: { syn: true, ack: false },
      },
      expect: 'seen',
    },
    {
      name: "the remote client hears from the server's own address",
      at: 'remote:eth0',
      during: 'remote',
      match: { direction: 'in', src: SERVER6, sport: 80, tcp: { syn: true, ack: true } },
      expect: 'seen',
    },
  ],
});
