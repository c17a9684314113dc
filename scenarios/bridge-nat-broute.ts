// The seed's working fix: ebtables broute rules that bridge broadcasts and LAN traffic, and send every
// other IPv4 frame straight to the IP layer (DROP in the broute table means "route, don't bridge").
// The seed wrote "-t brouter"; the table is called broute. Routed frames arrive on eth0 rather than
// br0, so reverse-path filtering must not drop them. Needs the broute table, which not every kernel
// has (CONFIG_BRIDGE_EBT_BROUTE, or nft bridge meta broute with CONFIG_NFT_BRIDGE_META).

import { defineScenario } from 'natlab';
import { bridgedGateway, internetProbe } from './lib/bridged-gateway.ts';

export default defineScenario({
  description: 'Bridged gateway fixed with ebtables broute rules (skipped where broute is missing)',
  needs: ['br-netfilter', 'ebtables-broute'],
  ...bridgedGateway({
    sysctls: {
      'net.ipv4.conf.all.rp_filter': '0',
      'net.ipv4.conf.default.rp_filter': '0',
      'net.ipv4.conf.eth0.rp_filter': '0',
    },
    rulesets: [
      {
        format: 'ebtables',
        text: [
          'ebtables -t broute -A BROUTING -d 01:00:00:00:00:00/01:00:00:00:00:00 -j ACCEPT',
          'ebtables -t broute -A BROUTING -p IPv4 --ip-dst 10.1.1.0/24 -j ACCEPT',
          'ebtables -t broute -A BROUTING -p IPv4 --ip-src 10.1.1.0/24 -j ACCEPT',
          'ebtables -t broute -A BROUTING -p IPv4 -j DROP',
        ].join('\n'),
      },
    ],
  }),
  probes: [internetProbe('wifi', 'connects'), internetProbe('wired', 'connects')],
});
