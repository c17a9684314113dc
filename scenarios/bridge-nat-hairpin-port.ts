// The tempting "fix" from seed 003 (brctl hairpin): hairpin mode on the gateway's eth0 port, on a
// network that was already running (ARP caches warm). The bridge now sends frames back out the port
// they came in on, and natlab shows what that does, from the captures:
// - the de-NATed reply to the wired client goes back out eth0 still carrying the modem's source MAC,
//   so the office switch learns the modem on the gateway's port (MAC flapping) and drops the
//   gateway's next frames to the modem. The wired connection limps on retransmissions or times out,
//   depending on timing, so its outcome is shown but not checked;
// - an ordinary LAN broadcast comes straight back to the switch (frame reflected);
// - afterwards the wifi client, which worked before, loses the internet whenever the switch last saw
//   the modem's MAC on the gateway's port: a race with the modem's own retransmissions, so that
//   outcome too is shown but not checked.
// That is the seed's meltdown in the making. (With cold ARP caches it is worse: the wired client's
// own ARP request is reflected and it never connects at all.)

import { defineScenario } from 'natlab';
import { bridgedGateway, internetProbe } from './lib/bridged-gateway.ts';

export default defineScenario({
  description: 'Bridged gateway with hairpin on eth0: reflected frames and MAC flapping',
  needs: ['br-netfilter'],
  ...bridgedGateway({ eth0: { hairpin: true }, warmCaches: true }),
  probes: [
    internetProbe('wifi', 'connects'),
    { ...internetProbe('wired', 'either'), connectTimeoutMs: 1000 },
    // An ordinary LAN broadcast. Linux ignores broadcast pings, so nobody answers it.
    { name: 'broadcast', from: 'wired', ping: '10.1.1.255', broadcast: true, expect: 'fails' },
    { ...internetProbe('wifi', 'either'), name: 'wifi-again', connectTimeoutMs: 1000 },
  ],
  diagnosis: { 'frame-reflected': true, 'mac-flap': true },
});
