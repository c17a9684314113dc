// RouterOS exports translate to nft property by property, and errors name line, column and property.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, loadCandidate, parseIfaceMap } from '../../src/candidates/load-candidate.ts';
import { RouterOsError } from '../../src/candidates/routeros/lex-routeros.ts';
import { parseRouterOs, routerOsToNft } from '../../src/candidates/routeros/translate-routeros.ts';

const maps = {
  interfaces: { WAN: 'wan0', LAN: 'lan0', ether1: 'wan0' },
  interfaceLists: { LAN: ['lan0'], ALL: ['wan0', 'lan0'] },
};

/** The nft statement for one `add` line. */
function rule(props: string): string | undefined {
  return parseRouterOs(`/ip firewall nat\nadd ${props}`, maps)[0]?.nft;
}

function error(source: string): RouterOsError {
  try {
    parseRouterOs(source, maps);
  } catch (e) {
    if (e instanceof RouterOsError) return e;
    throw e;
  }
  throw new Error('expected a RouterOsError');
}

describe('RouterOS properties', () => {
  it.each([
    [
      'chain=dstnat dst-address=203.0.113.1 protocol=tcp dst-port=80 action=dst-nat to-addresses=192.168.1.2',
      'ip daddr 203.0.113.1 meta l4proto tcp th dport 80 counter dnat to 192.168.1.2',
    ],
    ['chain=dstnat dst-address=!10.0.0.0/8 action=accept', 'ip daddr != 10.0.0.0/8 counter accept'],
    [
      'chain=srcnat src-address=192.168.1.0/24 action=src-nat to-addresses=203.0.113.1',
      'ip saddr 192.168.1.0/24 counter snat to 203.0.113.1',
    ],
    [
      'chain=srcnat src-address=!192.168.1.10 action=masquerade',
      'ip saddr != 192.168.1.10 counter masquerade',
    ],
    [
      'chain=srcnat src-address=10.0.0.1-10.0.0.9 action=masquerade',
      'ip saddr 10.0.0.1-10.0.0.9 counter masquerade',
    ],
    [
      'chain=dstnat protocol=udp dst-port=53,5353 action=redirect to-ports=5300',
      'meta l4proto udp th dport { 53, 5353 } counter redirect to :5300',
    ],
    [
      'chain=dstnat protocol=tcp dst-port=8000-8080 action=dst-nat to-addresses=192.168.1.2 to-ports=80',
      'meta l4proto tcp th dport 8000-8080 counter dnat to 192.168.1.2:80',
    ],
    [
      'chain=dstnat protocol=tcp dst-port=!22 src-port=1024-65535 action=accept',
      'meta l4proto tcp th sport 1024-65535 th dport != 22 counter accept',
    ],
    [
      'chain=dstnat protocol=tcp dst-port=80,8000-8080 action=accept',
      'meta l4proto tcp th dport { 80, 8000-8080 } counter accept',
    ],
    ['chain=dstnat protocol=!tcp action=accept', 'meta l4proto != tcp counter accept'],
    ['chain=dstnat in-interface=WAN action=accept', 'iifname "wan0" counter accept'],
    [
      'chain=srcnat out-interface=!ether1 action=masquerade',
      'oifname != "wan0" counter masquerade',
    ],
    ['chain=dstnat in-interface-list=LAN action=accept', 'iifname { "lan0" } counter accept'],
    [
      'chain=srcnat out-interface-list=!ALL action=masquerade',
      'oifname != { "wan0", "lan0" } counter masquerade',
    ],
    [
      'chain=dstnat dst-address-type=local protocol=tcp dst-port=80 action=dst-nat to-addresses=192.168.1.2',
      'fib daddr type local meta l4proto tcp th dport 80 counter dnat to 192.168.1.2',
    ],
    [
      'chain=srcnat src-address-type=!local action=masquerade',
      'fib saddr type != local counter masquerade',
    ],
    [
      'chain=dstnat dst-address=203.0.113.0/24 action=netmap to-addresses=192.168.2.0/24',
      'ip daddr 203.0.113.0/24 counter dnat ip prefix to 192.168.2.0/24',
    ],
    ['chain=srcnat action=return', 'counter return'],
    [
      'chain=srcnat action=masquerade log=yes log-prefix=NAT',
      'counter log prefix "NAT" masquerade',
    ],
    ['chain=srcnat action=masquerade log=yes', 'counter log prefix "srcnat: " masquerade'],
    [
      'chain=srcnat action=masquerade comment="hairpin fix"',
      'counter masquerade comment "hairpin fix"',
    ],
    [
      'chain=dstnat protocol=tcp dst-port=80 action=dst-nat to-address=192.168.1.2',
      'meta l4proto tcp th dport 80 counter dnat to 192.168.1.2',
    ],
    ['chain=dstnat', 'counter accept'],
  ])('add %s', (props, nft) => {
    expect(rule(props)).toBe(nft);
  });

  it('keeps a disabled rule out of the ruleset, as a comment naming its line', () => {
    expect(rule('chain=srcnat action=masquerade disabled=yes')).toBeUndefined();
    const nft = routerOsToNft(
      '/ip firewall nat\nadd chain=srcnat action=masquerade disabled=yes\n',
      maps,
    );
    expect(nft).toContain('# disabled (line 2): add chain=srcnat action=masquerade disabled=yes');
    expect(nft).not.toMatch(/^\s+masquerade$/m);
  });

  it('joins continuation lines and accepts the menu on the same line as add', () => {
    const rules = parseRouterOs(
      '# exported\n/ip firewall nat\nadd chain=dstnat \\\n    protocol=tcp dst-port=80 \\\n    action=dst-nat to-addresses=192.168.1.2\n/ip firewall nat add chain=srcnat action=masquerade\n',
      maps,
    );
    expect(rules.map((r) => [r.line, r.chain, r.nft])).toEqual([
      [3, 'dstnat', 'meta l4proto tcp th dport 80 counter dnat to 192.168.1.2'],
      [6, 'srcnat', 'counter masquerade'],
    ]);
  });

  it('keeps rule order within each chain, in hook chains of the right priority', () => {
    const nft = routerOsToNft(
      '/ip firewall nat\nadd chain=srcnat action=return\nadd chain=dstnat action=accept\nadd chain=srcnat action=masquerade\n',
      maps,
    );
    expect(nft).toMatch(
      /chain srcnat \{\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tcounter return\n\t\tcounter masquerade\n/,
    );
    expect(nft).toMatch(/chain dstnat \{\n\t\ttype nat hook prerouting priority dstnat;/);
  });
});

describe('RouterOS errors name the line, the column and the property', () => {
  it('refuses an unknown property where it stands, even after a continuation', () => {
    const e = error('/ip firewall nat\nadd chain=dstnat \\\n   connection-state=new action=accept');
    expect([e.line, e.column, e.property]).toEqual([3, 4, 'connection-state']);
    expect(e.message).toBe(
      'line 3, column 4, property connection-state: unknown or unsupported property',
    );
  });

  it.each([
    [
      '/ip firewall nat\nadd chain=forward action=accept',
      /property chain: chain must be dstnat or srcnat/,
    ],
    [
      '/ip firewall nat\nadd chain=srcnat action=blackhole',
      /property action: action "blackhole" is not supported/,
    ],
    [
      '/ip firewall nat\nadd chain=dstnat dst-port=80 action=accept',
      /property dst-port: ports need protocol=tcp or udp/,
    ],
    [
      '/ip firewall nat\nadd chain=dstnat protocol=tcp dst-port=80x action=accept',
      /"80x" is not a port, list or range/,
    ],
    [
      '/ip firewall nat\nadd chain=dstnat dst-address=300.1.1.1 action=accept',
      /"300\.1\.1\.1" is not an IPv4 address/,
    ],
    [
      '/ip firewall nat\nadd chain=srcnat out-interface=ether9 action=masquerade',
      /interface "ether9" has no scenario interface; map it with --iface-map ether9=<iface>/,
    ],
    [
      '/ip firewall nat\nadd chain=srcnat out-interface-list=DMZ action=masquerade',
      /interface list "DMZ" is not declared/,
    ],
    ['/ip firewall nat\nadd chain=dstnat action=dst-nat', /dst-nat needs to-addresses/],
    [
      '/ip firewall nat\nadd chain=srcnat action=dst-nat to-addresses=1.2.3.4',
      /dst-nat belongs in chain=dstnat/,
    ],
    [
      '/ip firewall nat\nadd chain=srcnat action=masquerade to-ports=80',
      /to-ports needs protocol=tcp or udp/,
    ],
    [
      '/ip firewall nat\nadd chain=srcnat action=masquerade chain=dstnat',
      /property chain: given twice/,
    ],
    [
      '/ip firewall nat\nadd chain=srcnat action=masquerade bogus',
      /line 2, column 36, property bogus: expected property=value/,
    ],
    ['/ip firewall nat\nadd chain=srcnat comment="open', /unterminated quote/],
    [
      '/ip firewall mangle\nadd chain=input action=accept',
      /line 1, column 1: menu "\/ip firewall mangle" is not supported/,
    ],
    ['add chain=srcnat action=masquerade', /no menu before this line/],
    ['/ip firewall nat\nset 0 disabled=yes', /only "add" is supported, not "set"/],
  ])('%s', (source, message) => {
    expect(error(source).message).toMatch(message);
  });
});

describe('candidate files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'natlab-candidates-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const file = async (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  };

  it('detects the format from the content, the extension only breaking ties', () => {
    expect(detectFormat('*nat\n-A POSTROUTING -j MASQUERADE\nCOMMIT\n')).toBe('iptables');
    expect(detectFormat('flush ruleset\ntable ip nat {}\n')).toBe('nft');
    expect(detectFormat('# x\n/ip firewall nat\nadd chain=srcnat action=masquerade\n')).toBe(
      'routeros',
    );
    expect(detectFormat('iptables -t nat -A POSTROUTING -j MASQUERADE\n')).toBe(
      'iptables-commands',
    );
    expect(detectFormat('ebtables -t broute -A BROUTING -j DROP\n')).toBe('ebtables');
    expect(detectFormat('hello\n')).toBeUndefined();
  });

  it('translates a RouterOS candidate and keeps the original beside it', async () => {
    const c = await loadCandidate(
      await file(
        'fix.rsc',
        '/ip firewall nat\nadd chain=srcnat out-interface=WAN action=masquerade\n',
      ),
      maps,
    );
    expect(c).toMatchObject({ name: 'fix.rsc', format: 'routeros', ruleset: { format: 'nft' } });
    expect(c.ruleset.text).toContain('oifname "wan0" counter masquerade');
    expect(c.original).toContain('out-interface=WAN');
  });

  it.each([
    ['a missing file', async () => join(dir, 'nope.rsc'), /nope\.rsc: no such file/],
    ['an empty file', async () => file('empty.rules', ''), /is empty/],
    [
      'a binary file',
      async () => file('bin.nft', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1])),
      /is not text/,
    ],
    [
      'an unknown format',
      async () => file('notes.txt', 'forward port 80 please\n'),
      /is in no format natlab knows/,
    ],
    [
      'a RouterOS syntax error',
      async () => file('bad.rsc', '/ip firewall nat\nadd chain=dstnat foo=bar\n'),
      /RouterOS line 2, column 18, property foo/,
    ],
    [
      'shell syntax in command lines',
      async () => file('cmds.sh', 'iptables -t nat -F; reboot\n'),
      /shell syntax/,
    ],
  ])('refuses %s with a reason', async (_name, path, message) => {
    await expect(loadCandidate(await path(), maps)).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(message),
    });
  });

  it('reads --iface-map pairs and refuses a malformed one', () => {
    expect(parseIfaceMap('WAN=wan0,LAN=lan0')).toEqual({ WAN: 'wan0', LAN: 'lan0' });
    expect(() => parseIfaceMap('WAN')).toThrow(/"WAN" is not NAME=iface/);
  });
});
