// Filter rulesets in every format natlab loads block a probe on the real kernel, and the
// dropped-by-rule finding names the rule (or the chain policy) that did it, from its counter.
//
//   remote 198.51.100.10 ── isp ── wan0 203.0.113.1 router lan0 192.168.1.1 ── lan switch
//                                                           server 192.168.1.2 ─┤
//                                                           client 192.168.1.10 ┘

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  hairpinLab,
  hairpinNat,
  PUBLIC_IP,
  portForwardRules,
  REMOTE_IP,
  remoteProbe,
} from '../../scenarios/lib/hairpin-lab.ts';
import { dropByDefault } from '../../scenarios/lib/home-router-filter.ts';
import { loadCandidate } from '../../src/candidates/load-candidate.ts';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import type { ProbeDef, RulesetDef } from '../../src/scenario/define-scenario.ts';
import { describeLab, namespacesOf } from '../support/lab.ts';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'natlab-filter-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** The catalog lab with these router rulesets; the blocked probe is expected to fail. */
async function run(name: string, router: RulesetDef[], probes: ProbeDef[]) {
  const def = {
    description: `filter ruleset: ${name}`,
    ...hairpinLab({ router }),
    probes,
    diagnosis: { 'dropped-by-rule': true },
  };
  const result = await runScenario({
    scenario: { name, file: `${name}.ts`, def },
    outDir: join(out, name),
  });
  expect(await namespacesOf(result.runId ?? '')).toEqual([]);
  return result;
}

const finding = (result: ScenarioResult, probe: string) =>
  result.diagnosis.find((f) => f.rule === 'dropped-by-rule' && f.probe === probe)?.summary;

const lanWeb: ProbeDef = {
  name: 'lan-web',
  from: 'client',
  url: `http://${REMOTE_IP}/`,
  expect: 'fails',
};

describeLab(
  'filter rulesets block probes on the real kernel, and the finding names the rule',
  () => {
    it('iptables: a DROP rule in a FORWARD policy DROP chain', async () => {
      const result = await run(
        'filter-iptables',
        [
          portForwardRules(),
          dropByDefault(['-A FORWARD -i lan0 -o wan0 -p tcp -m tcp --dport 80 -j DROP']),
        ],
        [lanWeb],
      );
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      expect(finding(result, 'lan-web')).toMatch(
        /dropped by `filter FORWARD` rule 2 \(`-A FORWARD -i lan0 -o wan0 -p tcp -m tcp --dport 80 -j DROP`\) on router, which counted 1 packet\(s\)\.$/,
      );
    });

    it('nft: ct state invalid drop counts nothing, the chain policy takes the SYN', async () => {
      const nft = `table inet filter {
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related counter accept
    ct state invalid counter drop
  }
}
`;
      const result = await run(
        'filter-nft',
        [portForwardRules(), { format: 'nft', text: nft }],
        [lanWeb],
      );
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      expect(finding(result, 'lan-web')).toMatch(
        /no drop rule that could match it counted; chain `inet filter forward` has policy drop \(nft keeps no counter for a policy\)\.$/,
      );
      const router = result.kernelState.find((k) => k.node === 'router');
      expect(router?.policies.find((p) => p.key === 'nft inet filter/forward')?.policy).toBe(
        'drop',
      );
    });

    it("RouterOS: MikroTik's defconf drops what reaches the router from the WAN; the port forward passes", async () => {
      const candidate = await loadCandidate('test/fixtures/rulesets/mikrotik-defconf-filter.rsc', {
        interfaces: hairpinNat?.ifaceMap ?? {},
        interfaceLists: hairpinNat?.interfaceLists ?? {},
      });
      const ssh: ProbeDef = {
        name: 'remote-ssh',
        from: 'remote',
        kind: 'tcp',
        to: PUBLIC_IP,
        port: 22,
        expect: 'fails',
      };
      const result = await run(
        'filter-routeros',
        [portForwardRules(), candidate.ruleset],
        [remoteProbe(), ssh],
      );
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      expect(finding(result, 'remote-ssh')).toMatch(
        /entered router wan0 addressed to router's own 203\.0\.113\.1 and never left it: dropped by `ip routeros_filter input` rule handle \d+ \(`iifname != "lan0" drop`\) on router, which counted [1-9]\d* packet\(s\)\.$/,
      );
      expect(finding(result, 'remote')).toBeUndefined();
    });

    it('OpenWrt with filter: true: no lan→wan forwarding, so the LAN dies at fw4’s forward policy', async () => {
      const config = [
        'config defaults',
        "\toption forward 'DROP'",
        '',
        'config zone',
        "\toption name 'lan'",
        "\tlist network 'lan'",
        '',
        'config zone',
        "\toption name 'wan'",
        "\tlist network 'wan'",
        "\toption masq '1'",
        '',
        'config redirect',
        "\toption name 'web'",
        "\toption src 'wan'",
        "\toption proto 'tcp'",
        "\toption src_dport '80'",
        "\toption dest_ip '192.168.1.2'",
        "\toption reflection '0'",
        '',
      ].join('\n');
      const result = await run(
        'filter-openwrt',
        [{ format: 'openwrt', text: config, networks: { lan: 'lan0', wan: 'wan0' }, filter: true }],
        [remoteProbe(), lanWeb],
      );
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      // The port forward passes on "ct status dnat accept"; the LAN's web has no forwarding.
      expect(finding(result, 'lan-web')).toMatch(
        /no drop rule that could match it counted; chain `inet fw4 forward` has policy drop/,
      );
    });
  },
);
