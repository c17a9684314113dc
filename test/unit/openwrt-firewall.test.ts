// OpenWrt firewall configs translated as firewall4 does, one case per file in the manner of
// firewall4's own tests: test/fixtures/openwrt/NAME.txt holds a description, the router (networks
// and addresses), the UCI config and the nft expected (or the error expected), side by side.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/candidates/load-candidate.ts';
import { parseOpenWrtFirewall } from '../../src/candidates/openwrt-firewall.ts';
import { openWrtToNft } from '../../src/candidates/openwrt-nft.ts';
import { portForwardLab } from '../../src/index.ts';
import { planTopology } from '../../src/plan/plan-topology.ts';
import type { RulesetDef } from '../../src/scenario/define-scenario.ts';

const DIR = new URL('../fixtures/openwrt', import.meta.url).pathname;

interface Case {
  name: string;
  /** Line 1: network=device pairs; line 2: device=cidr[,cidr] pairs. */
  host: string;
  config: string;
  nft?: string;
  error?: string;
  /** `-- options --` naming `filter`: the forward filter translated too. */
  filter: boolean;
}

function readCase(file: string): Case {
  const text = readFileSync(join(DIR, file), 'utf8');
  const parts = text.split(/^-- (options|host|config|expect nft|expect error) --\n/m);
  const section = (name: string) => {
    const at = parts.indexOf(name);
    return at < 0 ? undefined : (parts[at + 1] ?? '');
  };
  return {
    name: file.replace(/\.txt$/, ''),
    host: section('host') ?? '',
    config: section('config') ?? '',
    nft: section('expect nft'),
    error: section('expect error')?.trim(),
    filter: section('options')?.trim() === 'filter',
  };
}

function hostOf(text: string) {
  const [networks = '', addresses = ''] = text.split('\n');
  const pairs = (line: string) =>
    line
      .split(/\s+/)
      .filter(Boolean)
      .map((p) => p.split('=') as [string, string]);
  return {
    networks: Object.fromEntries(pairs(networks)),
    addresses: Object.fromEntries(pairs(addresses).map(([d, a]) => [d, a.split(',')])),
  };
}

const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map(readCase);

describe('OpenWrt firewall config to nft, as firewall4', () => {
  it('has its cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
    for (const c of cases) expect(c.nft ?? c.error, c.name).toBeDefined();
  });

  for (const c of cases) {
    it(c.name, () => {
      const translate = () => openWrtToNft(c.config, hostOf(c.host), { filter: c.filter }).nft;
      if (c.error !== undefined) expect(translate).toThrow(c.error);
      else expect(translate()).toBe(c.nft);
    });
  }

  it('every case is an OpenWrt config to format detection', () => {
    for (const c of cases) expect(detectFormat(c.config), c.name).toBe('openwrt');
    expect(detectFormat('table inet x {\n}\n')).toBe('nft');
  });
});

describe('the parsed model (what natlab audit reads)', () => {
  const model = parseOpenWrtFirewall(
    cases.find((c) => c.name === 'reflection-external')?.config ?? '',
  );

  it('holds each port forward with its protocols, public port and target', () => {
    expect(model.redirects).toEqual([
      expect.objectContaining({
        name: 'game',
        target: 'dnat',
        src: 'wan',
        dest: undefined,
        protos: ['tcp', 'udp'],
        srcDport: '27015',
        destIp: { not: false, cidr: '192.168.1.20' },
        reflection: true,
        reflectionSrc: 'external',
        enabled: true,
      }),
    ]);
    expect(model.zones.map((z) => [z.name, z.networks, z.masq])).toEqual([
      ['lan', ['lan'], false],
      ['wan', ['wan'], true],
    ]);
  });

  it('names an unnamed section as fw4 does, and keeps disabled ones', () => {
    const { redirects } = parseOpenWrtFirewall(
      "config redirect\n\toption enabled '0'\n\toption src 'wan'\n\toption src_dport '1'\n",
    );
    expect(redirects.map((r) => [r.name, r.enabled, r.line])).toEqual([['@redirect[0]', false, 1]]);
  });

  it('refuses what UCI would not read, with the line', () => {
    expect(() => parseOpenWrtFirewall("config zone\n\toption name 'lan\n")).toThrow(
      'line 2: unterminated quote',
    );
    expect(() => parseOpenWrtFirewall("option name 'lan'\n")).toThrow(
      'line 1, option name: option before any config section',
    );
    expect(() =>
      parseOpenWrtFirewall("config zone\n\toption name 'a'\n\toption name 'b'\n"),
    ).toThrow('line 3, option name: given twice');
    expect(() =>
      parseOpenWrtFirewall("config zone\n\toption name 'a'\n\toption subnet '10.0.0.0/8'\n"),
    ).toThrow('line 3, option subnet: unknown or unsupported zone option "subnet"');
  });
});

describe('a scenario ruleset of format openwrt', () => {
  const config = cases.find((c) => c.name === 'port-forward')?.config ?? '';
  const plan = (ruleset: RulesetDef) => () =>
    planTopology(
      {
        description: 'openwrt',
        ...portForwardLab({
          publicIp: '203.0.113.1',
          lanCidr: '192.168.1.0/24',
          server: '192.168.1.2',
          forwards: [{ port: 80 }],
          rulesets: [ruleset],
        }),
      },
      { scenario: 'openwrt', runId: 'ow0001' },
    );

  it('plans when its networks name the router interfaces', () => {
    const networks = { lan: 'lan0', wan: 'wan0', wan6: 'wan0' };
    const router = plan({ format: 'openwrt', text: config, networks })().nodes.find(
      (n) => n.name === 'router',
    );
    expect(router?.rulesets[0]?.format).toBe('openwrt');
  });

  it('is refused by the plan when a network has no interface, naming node and line', () => {
    expect(plan({ format: 'openwrt', text: config, networks: { lan: 'lan0' } })).toThrow(
      /node router: openwrt ruleset line 8, option network: network "wan" of zone "wan" has no device/,
    );
  });

  it('networks belong to openwrt rulesets only', () => {
    expect(plan({ format: 'nft', text: 'table ip t {\n}\n', networks: { lan: 'lan0' } })).toThrow(
      'node router: networks is for openwrt rulesets, not nft',
    );
  });
});
