// What a hairpin without SNAT shows, in either address family: the checks hairpin-broken and
// ipv6-nat-hairpin-broken share, on the addresses and the nat table each lab has.

import type { ScenarioDef } from 'natlab';

export interface BrokenHairpin {
  client: string;
  /** The router's public address the client asks for. */
  publicAddress: string;
  server: string;
  /** The nat table's name for counters: "nat" (iptables) or "ip6 nat" (ip6tables). */
  natTable: string;
}

/** The stuck conntrack entry, the NAT counters, and the stray SYN-ACK the client resets. */
export function brokenHairpinChecks({
  client,
  publicAddress,
  server,
  natTable,
}: BrokenHairpin): Pick<ScenarioDef, 'conntrack' | 'counters' | 'flows'> {
  const shown = (address: string) => (address.includes(':') ? `[${address}]` : address);
  return {
    conntrack: [
      {
        name: 'router keeps the hairpin connection in SYN_SENT [UNREPLIED], not SNATed',
        on: 'router',
        match: {
          proto: 'tcp',
          state: 'SYN_SENT',
          status: ['UNREPLIED'],
          orig: { src: client, dst: publicAddress, dport: 80 },
          reply: { src: server, dst: client },
        },
        expect: 'seen',
      },
    ],
    counters: [
      {
        name: 'the DNAT rule counted both connections, the remote one and the hairpin',
        on: 'router',
        rule: { table: natTable, chain: 'PREROUTING', position: 1 },
        packets: { exactly: 2 },
      },
      {
        name: 'the masquerade out wan0 counted nothing: neither connection leaves by wan0',
        on: 'router',
        rule: { table: natTable, chain: 'POSTROUTING', position: 1 },
        packets: { exactly: 0 },
      },
    ],
    flows: [
      {
        name: `server:eth0 gets the SYN with the real client source ${client}`,
        at: 'server:eth0',
        during: 'lan-client',
        match: {
          proto: 'tcp',
          src: client,
          dst: server,
          dport: 80,
          tcp: { syn: true, ack: false },
        },
        expect: 'seen',
      },
      {
        name: `client:eth0 gets the SYN-ACK straight from ${shown(server)}:80`,
        at: 'client:eth0',
        during: 'lan-client',
        match: { direction: 'in', src: server, sport: 80, tcp: { syn: true, ack: true } },
        expect: 'seen',
      },
      {
        name: `client:eth0 never gets a SYN-ACK from ${publicAddress}`,
        at: 'client:eth0',
        during: 'lan-client',
        match: { src: publicAddress, tcp: { syn: true, ack: true } },
        expect: 'absent',
      },
      {
        name: 'client answers the stray SYN-ACK with RST',
        at: 'client:eth0',
        during: 'lan-client',
        match: { direction: 'out', src: client, dst: server, dport: 80, tcp: { rst: true } },
        expect: 'seen',
      },
    ],
  };
}
