// Inter-VLAN routing on one trunk ("router on a stick"): two hosts on VLANs 10 and 20 share one
// switch with the router, whose single link carries both as 802.1Q sub-interfaces (eth0.10,
// eth0.20). A ping from VLAN 10 to VLAN 20 reaches the router tagged 10 and leaves it on the same
// wire tagged 20. The sub-interfaces are ip-link(8)'s `type vlan ... id VLANID`: "802.1q tagged
// virtual LAN interface"; the tag is IEEE 802.1Q's (TPID 0x8100, then the VLAN id). The switch is
// a Linux bridge without vlan_filtering, which forwards tagged frames as they are.
// Needs 802.1Q in the kernel: on one without it (this development machine's host kernel) the
// scenario is skipped, naming the feature; `--kernel debian-6.1` runs it.
//
//   h10 eth0.10 10.10.0.2 ─┐
//   h20 eth0.20 10.20.0.2 ─┼─ trunk switch ── eth0 router (eth0.10 10.10.0.1, eth0.20 10.20.0.1)

import { defineScenario } from 'natlab';

const echoRequest = { icmp: { type: 'echo-request' as const }, dst: '10.20.0.2' };

export default defineScenario({
  description: 'a ping between VLANs crosses the router on one trunk, tagged 10 in and 20 out',
  nodes: {
    router: {
      kind: 'router',
      interfaces: {
        eth0: {},
        'eth0.10': { kind: 'vlan', parent: 'eth0', id: 10, addresses: ['10.10.0.1/24'] },
        'eth0.20': { kind: 'vlan', parent: 'eth0', id: 20, addresses: ['10.20.0.1/24'] },
      },
    },
    h10: {
      kind: 'host',
      interfaces: {
        eth0: {},
        'eth0.10': { kind: 'vlan', parent: 'eth0', id: 10, addresses: ['10.10.0.2/24'] },
      },
      routes: [{ to: 'default', via: '10.10.0.1' }],
    },
    h20: {
      kind: 'host',
      interfaces: {
        eth0: {},
        'eth0.20': { kind: 'vlan', parent: 'eth0', id: 20, addresses: ['10.20.0.2/24'] },
      },
      routes: [{ to: 'default', via: '10.20.0.1' }],
    },
    trunk: { kind: 'switch' },
  },
  links: [
    { a: 'router:eth0', b: 'trunk' },
    { a: 'h10:eth0', b: 'trunk' },
    { a: 'h20:eth0', b: 'trunk' },
  ],
  probes: [{ name: 'across', from: 'h10', ping: '10.20.0.2', expect: 'connects' }],
  flows: [
    {
      name: 'the request reaches the router tagged 10',
      at: 'router:eth0',
      during: 'across',
      match: { ...echoRequest, vlan: 10, ethertype: 0x0800, direction: 'in' },
      count: { exactly: 1 },
    },
    {
      name: 'and leaves it on the same wire tagged 20',
      at: 'router:eth0',
      during: 'across',
      match: { ...echoRequest, vlan: 20, ethertype: 0x0800, direction: 'out' },
      count: { exactly: 1 },
    },
    {
      name: 'h20 gets it on VLAN 20 only',
      at: 'h20:eth0',
      during: 'across',
      match: { ...echoRequest, vlan: 10 },
      expect: 'absent',
    },
  ],
});
