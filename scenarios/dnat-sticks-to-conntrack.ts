// NAT is decided on a connection's first packet only: once the DNAT rule is replaced, a UDP flow
// that conntrack already tracks keeps going to the old server; only after the conntrack table is
// flushed does the same flow (same addresses and ports) take the new rule.
// Documented in iptables(8), TABLES, nat: "This table is consulted when a packet that creates a new
// connection is encountered"; and in the nftables wiki, "Performing Network Address Translation
// (NAT)" (wiki.nftables.org): only the first packet of a given flow hits the nat chain, later ones
// follow the conntrack entry. The conntrack-tools manual (netfilter.org) gives `conntrack -F`.
// The remote client sends from one fixed port (sourcePort) every time, so all three probes are one
// conntrack entry while it lives (UDP: about 30 s, far longer than the run).

import { defineScenario, type ProbeDef } from 'natlab';
import { hairpinLab, LAN_SERVER_IP, natTable, PUBLIC_IP, withNodes } from './lib/hairpin-lab.ts';

const PORT = 5000;
const BACKUP_IP = '192.168.1.3';

/** The port forward to one server, plus masquerade out wan0. */
const forwardTo = (server: string) =>
  natTable([
    `-A PREROUTING -d ${PUBLIC_IP}/32 -p udp -m udp --dport ${PORT} -j DNAT --to-destination ${server}:${PORT}`,
    '-A POSTROUTING -o wan0 -j MASQUERADE',
  ]);

/** One datagram from the remote client's fixed port to the public address. */
const datagram = (name: string): ProbeDef => ({
  name,
  from: 'remote',
  kind: 'udp',
  to: PUBLIC_IP,
  port: PORT,
  sourcePort: 40000,
  expect: 'connects',
});

/** The step's datagram reaches `to` and never `not`. */
const reaches = (step: string, to: string, not: string) => [
  {
    name: `${to}:eth0 gets the datagram`,
    step,
    at: `${to}:eth0`,
    match: { proto: 'udp' as const, dport: PORT, direction: 'in' as const },
    expect: 'seen' as const,
  },
  {
    name: `${not}:eth0 gets no datagram`,
    step,
    at: `${not}:eth0`,
    match: { proto: 'udp' as const, dport: PORT },
    expect: 'absent' as const,
  },
];

/** The router's entry for the flow, answered by this server. */
const entryTo = (step: string, server: string) => ({
  name: `router's entry for the flow is answered by ${server}`,
  on: 'router',
  step,
  match: {
    proto: 'udp' as const,
    orig: { dst: PUBLIC_IP, sport: 40000, dport: PORT },
    reply: { src: server },
  },
  expect: 'seen' as const,
});

const lab = withNodes(hairpinLab({ router: [forwardTo(LAN_SERVER_IP)] }), {
  server: { services: [{ kind: 'udp', port: PORT }] },
});

export default defineScenario({
  description:
    'a replaced DNAT rule leaves an existing UDP flow on the old server until conntrack is flushed',
  needs: ['conntrack'],
  nodes: {
    ...lab.nodes,
    backup: {
      kind: 'host',
      interfaces: { eth0: { addresses: [`${BACKUP_IP}/24`] } },
      routes: [{ to: 'default', via: '192.168.1.1' }],
      services: [{ kind: 'udp', port: PORT }],
    },
  },
  links: [...lab.links, { a: 'backup:eth0', b: 'lan' }],
  probes: [datagram('first')],
  steps: [
    {
      name: 'dnat-moved',
      rulesets: { router: { replace: [forwardTo(BACKUP_IP)] } },
      probes: [datagram('same-flow')],
    },
    {
      name: 'conntrack-flushed',
      reset: { conntrack: ['router'] },
      probes: [datagram('new-flow')],
    },
  ],
  flows: [
    {
      name: 'server:eth0 gets the first datagram',
      at: 'server:eth0',
      during: 'first',
      match: { proto: 'udp', dport: PORT, direction: 'in' },
      expect: 'seen',
    },
    ...reaches('dnat-moved', 'server', 'backup'),
    ...reaches('conntrack-flushed', 'backup', 'server'),
  ],
  conntrack: [entryTo('dnat-moved', LAN_SERVER_IP), entryTo('conntrack-flushed', BACKUP_IP)],
});
