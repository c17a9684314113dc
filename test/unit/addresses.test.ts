// Broadcast addresses come from ipaddr.js, and only where IPv4 has one.

import { describe, expect, it } from 'vitest';
import { ipv4Broadcast } from '../../src/net/addresses.ts';

describe('ipv4Broadcast', () => {
  it.each([
    ['10.0.0.5/24', '10.0.0.255'],
    ['192.168.1.10/16', '192.168.255.255'],
    ['198.51.100.7/29', '198.51.100.7'],
    ['203.0.113.9/30', '203.0.113.11'],
    ['10.1.2.3/0', '255.255.255.255'],
  ])('%s broadcasts to %s', (cidr, broadcast) => {
    expect(ipv4Broadcast(cidr)).toBe(broadcast);
  });

  it.each(['10.0.0.1/31', '10.0.0.1/32', 'fd00::1/64', '10.0.0.300/24', '10.0.0.1'])(
    '%s has none',
    (cidr) => {
      expect(ipv4Broadcast(cidr)).toBeUndefined();
    },
  );
});
