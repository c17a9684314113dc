// The forward finder on every config under test/fixtures/audit: each forward, the roles, and
// what cannot be tested with why.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findForwards } from '../../src/audit/find-forwards.ts';

const DIR = join(import.meta.dirname, '../fixtures/audit');
const scan = (name: string) => findForwards(readFileSync(join(DIR, name), 'utf8'));
const forward = (proto: string, port: number, toAddr: string, toPort: number, more = {}) => ({
  proto,
  port,
  toAddr,
  toPort,
  ...more,
});

describe('findForwards', () => {
  it("the MikroTik wiki's dst-nat, its WAN from the masquerade", () => {
    const s = scan('mikrotik-wiki.rsc');
    expect(s.format).toBe('routeros');
    expect(s.forwards).toMatchObject([
      forward('tcp', 80, '192.168.1.2', 80, { publicIp: '203.0.113.1', line: 4 }),
    ]);
    expect(s.roles.wan).toBe('WAN');
    expect(s.untestable).toEqual([]);
  });

  it('an OpenWrt redirect with its zones and reflection', () => {
    const s = scan('openwrt-reflection-off.conf');
    expect(s.forwards).toMatchObject([
      forward('tcp', 80, '192.168.1.2', 80, {
        inIface: 'wan',
        redirect: { name: 'web', reflection: false },
      }),
    ]);
    expect(s.roles).toMatchObject({ wan: 'wan', lan: 'lan' });
  });

  it('an iptables-restore DNAT with its public address', () => {
    const s = scan('hairpin-no-snat.rules');
    expect(s.forwards).toMatchObject([
      forward('tcp', 80, '192.168.1.2', 80, { publicIp: '203.0.113.1' }),
    ]);
    expect(s.roles.wan).toBe('eth0');
  });

  it('three nft forwards, one UDP, and the LAN from the hairpin masquerade', () => {
    const s = scan('three-forwards.nft');
    expect(s.forwards).toMatchObject([
      forward('tcp', 80, '192.168.1.2', 80),
      forward('tcp', 8443, '192.168.1.3', 443),
      forward('udp', 51820, '192.168.1.4', 51820),
    ]);
    expect(s.roles).toMatchObject({
      wan: 'eth0',
      lan: 'eth1',
      lanCidrs: ['192.168.1.0/24', '10.0.5.0/24'],
    });
  });

  it("ufw's before.rules forward on its in-interface", () => {
    const s = scan('ufw-before-rules.rules');
    expect(s.forwards).toMatchObject([forward('tcp', 8080, '10.0.0.5', 80, { inIface: 'eth0' })]);
    expect(s.roles).toMatchObject({ wan: 'eth0', lanCidrs: ['10.0.0.0/24'] });
  });

  it("firewalld's forward-port, its WAN the zone's interface", () => {
    const s = scan('firewalld.nft');
    expect(s.forwards).toMatchObject([forward('tcp', 8080, '10.0.0.5', 80)]);
    expect(s.roles.wan).toBe('eth0');
  });

  it("Docker's published port: everything but docker0, which is the LAN", () => {
    const s = scan('docker.rules');
    expect(s.forwards).toMatchObject([forward('tcp', 8080, '172.17.0.2', 80)]);
    expect(s.roles).toMatchObject({ lan: 'docker0', lanCidrs: ['172.17.0.0/16'] });
  });

  it('lists what it cannot test with the reason', () => {
    const s = findForwards(
      [
        '*nat',
        '-A PREROUTING -p tcp --dport 8000:8010 -j DNAT --to-destination 10.0.0.5',
        '-A PREROUTING -p tcp --dport 22 -j REDIRECT --to-ports 2222',
        '-A PREROUTING -p gre -j DNAT --to-destination 10.0.0.5',
        'COMMIT',
      ].join('\n'),
    );
    expect(s.forwards).toEqual([]);
    expect(s.untestable.map((u) => [u.line, u.reason])).toEqual([
      [2, expect.stringMatching(/range/)],
      [3, expect.stringMatching(/router itself/)],
      [4, expect.stringMatching(/protocol gre/)],
    ]);
  });
});
