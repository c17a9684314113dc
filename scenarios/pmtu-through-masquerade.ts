// Path-MTU discovery through NAT. The client, masqueraded by the router, pings the remote host with
// don't-fragment set. The isp's link to the remote host has an MTU of 1400, so a 1500-byte packet
// can't cross it. The isp answers ICMP "fragmentation needed" (type 3 code 4, RFC 792, with the next
// hop's MTU as RFC 1191 defines). It sends it to the router's public address, 203.0.113.1. The
// router's conntrack finds the masqueraded echo in the ICMP error's inner header and marks the
// error RELATED (the kernel's nf_conntrack_proto_icmp.c, icmp_error_message). NAT then rewrites the
// error and its inner header back to the client, as the kernel's nf_nat_icmp_reply_translation
// does. The client learns the path MTU from it: a second too-big ping never leaves the client.
// Flows match the ICMP error by its type and code, 3/4: destination unreachable, fragmentation
// needed. Pings aren't segmented by veth offloads, so the captured frames have their real sizes.
//
//   remote 198.51.100.10 ─mtu 1400─ isp 203.0.113.254 ── wan0 203.0.113.1 router lan0 192.168.1.1
//                                                                  ── lan switch ── client 192.168.1.10

import { defineScenario, type PingProbeDef } from 'natlab';
import {
  CLIENT_IP,
  hairpinLab,
  natTable,
  PUBLIC_IP,
  REMOTE_IP,
  withNodes,
} from './lib/hairpin-lab.ts';

/** The isp's address on the router's side: the source of its ICMP errors toward the router. */
const ISP_WAN_IP = '203.0.113.254';
const SMALL_MTU = 1400;
/** IPv4 and ICMP headers: 20 + 8 bytes. */
const HEADERS = 28;

const dfPing = (name: string, bytes: number, expect: PingProbeDef['expect']): PingProbeDef => ({
  name,
  from: 'client',
  ping: REMOTE_IP,
  size: bytes - HEADERS,
  dontFragment: true,
  expect,
});

export default defineScenario({
  description: 'A DF ping too big for the far link gets frag-needed back through the masquerade',
  needs: ['iptables'],
  ...withNodes(hairpinLab({ router: [natTable(['-A POSTROUTING -o wan0 -j MASQUERADE'])] }), {
    isp: { interfaces: { eth0: { mtu: SMALL_MTU } } },
    remote: { interfaces: { eth0: { mtu: SMALL_MTU } } },
  }),
  probes: [
    { ...dfPing('fits', SMALL_MTU, 'connects'), count: 2, intervalMs: 200 },
    // ping ends as soon as the error comes back, so a longer bound costs nothing; it keeps a loaded
    // machine from ending the ping before the error arrives, which would hand it to the next probe.
    { ...dfPing('too-big', 1500, 'fails'), connectTimeoutMs: 3000 },
    { ...dfPing('too-big-again', 1500, 'fails'), connectTimeoutMs: 3000 },
  ],
  flows: [
    {
      name: 'the isp sends frag-needed to the masqueraded address',
      at: 'router:wan0',
      during: 'too-big',
      match: { icmp: { type: 3, code: 4 }, direction: 'in', src: ISP_WAN_IP, dst: PUBLIC_IP },
      expect: 'seen',
    },
    {
      name: 'the frag-needed reaches the client, de-NATed as RELATED',
      at: 'client:eth0',
      during: 'too-big',
      match: { icmp: { type: 3, code: 4 }, direction: 'in', src: ISP_WAN_IP, dst: CLIENT_IP },
      expect: 'seen',
    },
    {
      name: 'the too-big echo never reaches the remote host',
      at: 'remote:eth0',
      during: 'too-big',
      match: { proto: 'icmp' },
      expect: 'absent',
    },
    {
      name: 'with the path MTU learned, the client sends no second too-big echo',
      at: 'client:eth0',
      during: 'too-big-again',
      match: { proto: 'icmp', direction: 'out' },
      expect: 'absent',
    },
  ],
});
