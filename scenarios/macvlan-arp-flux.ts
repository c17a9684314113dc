// ARP flux with a macvlan: a host whose eth0 carries a macvlan (its own MAC on the same wire, as a
// container or a second gateway address would have) answers an ARP request for the macvlan's address
// twice, once from eth0 and once from the macvlan, because by default Linux answers for any local
// address on any interface. Setting arp_ignore to 1 leaves only the interface that holds the address
// to answer. Documented in the kernel's Documentation/networking/ip-sysctl.rst, arp_ignore:
// "0 - (default): reply for any local target IP address, configured on any interface" and
// "1 - reply only if the target IP address is local address configured on the incoming interface".
// Both devices hear the request: the parent receives it, and macvlan passes each broadcast that
// arrives on the parent up to its macvlans as well (drivers/net/macvlan.c, macvlan_broadcast; the
// modes are described in the commit "macvlan: implement bridge, VEPA and private mode"). The step
// asks for a second macvlan address, so the client's ARP cache holds no answer yet.
//
//   client 192.168.1.10 ── lan switch ── eth0 192.168.1.1 host, mv0 (macvlan on eth0) 192.168.1.5, .6

import { defineScenario } from 'natlab';

const FIRST = '192.168.1.5';
const SECOND = '192.168.1.6';

/** ARP replies for `address` at the client: its sender address is the one asked for. */
const arpRepliesFor = (address: string) => ({
  ethertype: 0x0806,
  src: address,
  dst: '192.168.1.10',
});

export default defineScenario({
  description: 'a macvlan address is answered by two MACs until arp_ignore is 1',
  nodes: {
    host: {
      kind: 'host',
      interfaces: {
        eth0: { addresses: ['192.168.1.1/24'] },
        mv0: {
          kind: 'macvlan',
          parent: 'eth0',
          mode: 'bridge',
          addresses: [`${FIRST}/24`, `${SECOND}/24`],
        },
      },
    },
    client: { kind: 'host', interfaces: { eth0: { addresses: ['192.168.1.10/24'] } } },
    lan: { kind: 'switch' },
  },
  links: [
    { a: 'host:eth0', b: 'lan' },
    { a: 'client:eth0', b: 'lan' },
  ],
  probes: [{ name: 'flux', from: 'client', ping: FIRST, expect: 'connects' }],
  steps: [
    {
      name: 'arp-ignore',
      sysctls: { host: { 'net.ipv4.conf.all.arp_ignore': '1' } },
      probes: [{ name: 'one-answer', from: 'client', ping: SECOND, expect: 'connects' }],
    },
  ],
  flows: [
    {
      name: 'one broadcast request reaches the host',
      at: 'host:eth0',
      during: 'flux',
      match: { ethertype: 0x0806, dstMac: 'ff:ff:ff:ff:ff:ff', dst: FIRST },
      count: { exactly: 1 },
    },
    {
      name: 'by default both eth0 and the macvlan answer',
      at: 'client:eth0',
      during: 'flux',
      match: arpRepliesFor(FIRST),
      count: { exactly: 2 },
    },
    {
      name: 'with arp_ignore=1 only the macvlan answers',
      step: 'arp-ignore',
      at: 'client:eth0',
      during: 'one-answer',
      match: arpRepliesFor(SECOND),
      count: { exactly: 1 },
    },
  ],
});
