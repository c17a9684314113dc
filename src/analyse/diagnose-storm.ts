// The storm finding: the storm guard stopped the run. It comes from the guard, not the captures,
// which a storm leaves undecoded.

import type { Storm } from '../traffic/storm-guard.ts';
import type { Finding } from './finding.ts';

/** Where and how hard it stormed, and when the guard stopped it. */
export function stormWhere(storm: Storm): string {
  return `storm on ${storm.point}: ${storm.packetsPerSecond} packets/s, stopped ${storm.stoppedAfterMs} ms after the lab came up`;
}

export function stormFinding(storm: Storm): Finding {
  return {
    rule: 'storm',
    summary: `${stormWhere(storm)}. Frames are circling: a loop between bridges, or ports reflecting frames back, with nothing (STP) to break it. natlab stopped the run before it could load the machine`,
    evidence: [`packet counters of ${storm.point} (/proc/net/dev), sampled every 100 ms`],
  };
}
