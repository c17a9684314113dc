// A run that fails, at any stage, says what failed where and leaves nothing behind.

import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { NatlabError } from '../../src/errors.ts';
import { runScenario } from '../../src/run/run-scenario.ts';
import type { ScenarioDef } from '../../src/scenario/define-scenario.ts';
import { loadScenario } from '../../src/scenario/load-scenario.ts';
import { LEDGER_DIR } from '../../src/system/run-ledger.ts';
import { describeLab, namespacesOf, processesMentioning } from '../support/lab.ts';

async function runDef(def: ScenarioDef, runId: string) {
  return runScenario({ scenario: { name: `test-${runId}`, file: '', def }, runId });
}

async function expectNothingLeft(runId: string): Promise<void> {
  expect(await namespacesOf(runId)).toEqual([]);
  expect(await processesMentioning(runId)).toEqual([]);
  await expect(access(`${LEDGER_DIR}/${runId}`)).rejects.toThrow();
}

const broken = (await loadScenario('hairpin-broken')).def;
const masquerade = (await loadScenario('hairpin-masquerade')).def;

describeLab('failures on the real kernel', () => {
  it('reports a ruleset the kernel rejects with the tool stderr, and tears everything down', async () => {
    const def: ScenarioDef = {
      ...broken,
      nodes: {
        ...broken.nodes,
        router: {
          ...broken.nodes.router,
          kind: 'router',
          rulesets: [
            { format: 'iptables', text: '*nat\n-A PREROUTING -j NO-SUCH-TARGET\nCOMMIT\n' },
          ],
        },
      },
    };
    const error = await runDef(def, 'fail01').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NatlabError);
    expect(error).toMatchObject({ code: 'COMMAND_FAILED', stage: 'rulesets', node: 'router' });
    expect((error as NatlabError).message).toMatch(/failed to apply iptables ruleset on router/);
    expect((error as NatlabError).stderr).toMatch(/iptables-restore/);
    await expectNothingLeft('fail01');
  });

  it('refuses two services on one port before anything is built, leaving nothing', async () => {
    // The kernel would let only one of them bind; the plan says so before any namespace exists.
    const def: ScenarioDef = {
      ...broken,
      nodes: {
        ...broken.nodes,
        server: {
          ...broken.nodes.server,
          kind: 'host',
          services: [
            { kind: 'http', port: 80 },
            { kind: 'tcp', port: 80 },
          ],
        },
      },
    };
    const error = await runDef(def, 'fail02').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_SCENARIO', stage: 'plan' });
    expect((error as NatlabError).message).toMatch(
      /node server: two services listen on tcp port 80/,
    );
    await expectNothingLeft('fail02');
  });

  it('reports a tcpdump that cannot start, and stops what already started', async () => {
    // A directory where the pcap should go: tcpdump cannot open its output file.
    const outDir = await mkdtemp(join(tmpdir(), 'natlab-tcpdump-'));
    await mkdir(join(outDir, 'client-eth0.pcap'));
    const error = await runScenario({
      scenario: { name: 'tcpdump-fails', file: '', def: broken },
      runId: 'fail05',
      outDir,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'COMMAND_FAILED', stage: 'capture', node: 'client' });
    expect((error as NatlabError).message).toMatch(
      /failed to start tcpdump on eth0 on client: exited before it was ready/,
    );
    expect((error as NatlabError).stderr).toMatch(/client-eth0\.pcap/);
    await expectNothingLeft('fail05');
    expect(await processesMentioning(outDir)).toEqual([]);
    await rm(outDir, { recursive: true, force: true });
  });

  it('rejects an invalid scenario before any namespace exists', async () => {
    const def: ScenarioDef = {
      ...broken,
      links: [...broken.links, { a: 'client:eth0', b: 'nowhere:eth0' }],
    };
    await expect(runDef(def, 'fail03')).rejects.toMatchObject({
      code: 'INVALID_SCENARIO',
      stage: 'plan',
    });
    await expectNothingLeft('fail03');
  });

  it('gives verdict fail, naming the checks, when the expectations do not hold', async () => {
    // The fix's expectations against the broken ruleset.
    const probes = masquerade.probes?.map((p) => ({ ...p, connectTimeoutMs: 1000 }));
    const def: ScenarioDef = { ...masquerade, nodes: broken.nodes, probes };
    const result = await runDef(def, 'fail04');
    expect(result.verdict).toBe('fail');
    expect(result.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([
      'lan-client: client → 203.0.113.1:80 connects',
      'lan-client: server saw 192.168.1.1',
      'client:eth0 gets its SYN-ACK from 203.0.113.1:80',
      'client:eth0 never receives TCP from a private address',
      'server:eth0 gets the SYN from the router 192.168.1.1',
      'diagnosis does not find asymmetric-reply',
    ]);
    await expectNothingLeft('fail04');
  });
});
