// The fix that works: br_netfilter off in the gateway, by both the per-namespace sysctl and the
// per-bridge option (the kernel ORs them, so the bridge option alone is not enough). The bridge then
// leaves routed traffic to the IP layer, which de-NATs and forwards the reply normally.

import { defineScenario } from 'natlab';
import { bridgedGateway, internetProbe } from './lib/bridged-gateway.ts';

export default defineScenario({
  description: 'Bridged gateway with br_netfilter off: wired and wifi clients both connect',
  needs: ['br-netfilter'],
  ...bridgedGateway({
    br0: { nfCallIptables: false },
    sysctls: { 'net.bridge.bridge-nf-call-iptables': '0' },
  }),
  probes: [internetProbe('wifi', 'connects'), internetProbe('wired', 'connects')],
});
