// The tempting "fix" from seed 003 (brctl hairpin): hairpin mode on the gateway's eth0 port.
// Like the seed, it "works for a while": with the LAN's ARP caches warm, the wired client connects.
// But the bridge now reflects frames back out the port they came in on. The first ordinary LAN
// broadcast comes straight back to the office switch, which then learns the sender's MAC on the
// gateway's port (MAC flapping) and sends the sender's traffic there: the wifi client can no longer
// reach the wired one. That is the seed's packet storm in the making; natlab flags both findings.
// (With cold caches it is worse: the wired client's own ARP request is reflected and it never connects.)

import { defineScenario } from '../src/index.ts';
import { bridgedGateway, internetProbe, WIRED_IP } from './lib/bridged-gateway.ts';

export default defineScenario({
  description: 'Bridged gateway with hairpin on eth0: wired connects, then frames are reflected',
  needs: ['br-netfilter'],
  ...bridgedGateway({ eth0: { hairpin: true }, warmCaches: true }),
  probes: [
    internetProbe('wifi', 'connects'),
    internetProbe('wired', 'connects'),
    // An ordinary LAN broadcast. Linux ignores broadcast pings, so nobody answers it.
    { name: 'broadcast', from: 'wired', ping: '10.1.1.255', broadcast: true, expect: 'fails' },
    { name: 'wifi-to-wired', from: 'wifi', ping: WIRED_IP, expect: 'fails' },
    { ...internetProbe('wifi', 'connects'), name: 'wifi-again' },
  ],
  diagnosis: { 'frame-reflected': true, 'mac-flap': true },
});
