// Proves the storm guard: two switches joined by two links, STP off (the Linux default), and one
// broadcast. Frames circle the loop for ever; the guard sees a link pass its bound, stops the run and
// tears everything down. It fails on purpose: the storm guard's check, and the probe it stopped (not
// judged); this scenario exits 1, with the storm diagnosis. `diagnosis: { storm: true }` would expect it.
//
//   h1 10.9.0.1 ── sw1 ══ two links ══ sw2 ── h2 10.9.0.2

import { defineScenario } from 'natlab';

export default defineScenario({
  description: 'Bridge loop without STP: the storm guard stops the run (exits 1 on purpose)',
  nodes: {
    h1: { kind: 'host', interfaces: { eth0: { addresses: ['10.9.0.1/24'] } } },
    h2: { kind: 'host', interfaces: { eth0: { addresses: ['10.9.0.2/24'] } } },
    sw1: { kind: 'switch' },
    sw2: { kind: 'switch' },
  },
  links: [
    { a: 'h1:eth0', b: 'sw1' },
    { a: 'h2:eth0', b: 'sw2' },
    { a: 'sw1:loop-a', b: 'sw2:loop-a' },
    { a: 'sw1:loop-b', b: 'sw2:loop-b' },
  ],
  probes: [{ name: 'broadcast', from: 'h1', ping: '10.9.0.255', broadcast: true, expect: 'fails' }],
});
