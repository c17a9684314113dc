// `natlab audit CONFIG` on the real kernel: the seeds' MikroTik config, an OpenWrt config with
// reflection off and an iptables-restore file each fail from the LAN, get their remedy and have it
// proven; three forwards (one UDP) audit in parallel and leave nothing behind; the ufw, firewalld and
// Docker dumps have their forwards found and probed.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import type { auditJson as auditDocument } from '../../src/audit/audit-report.ts';
import { describeLab, NATLAB_CLI } from '../support/lab.ts';

type AuditDoc = ReturnType<typeof auditDocument>;

const ROOT = new URL('../..', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'test/fixtures/audit');

function audit(args: string[]) {
  const [node, ...rest] = NATLAB_CLI;
  const argv = [...rest.slice(0, -1), 'src/cli/natlab.ts', 'audit', ...args];
  return execa(node, argv, { cwd: ROOT, reject: false, timeout: 150_000 });
}

async function auditJson(file: string, ...args: string[]) {
  const run = await audit([join(FIXTURES, file), '--json', ...args]);
  return { code: run.exitCode, doc: JSON.parse(run.stdout) as AuditDoc };
}

const cell = (doc: AuditDoc, vantage: string, forward = 0) => {
  const found = doc.forwards[forward]?.cells.find((c) => c.vantage === vantage);
  if (!found) throw new Error(`no ${vantage} cell`);
  return found;
};

describeLab('natlab audit', () => {
  it("the MikroTik wiki's config: the LAN cell fails with asymmetric-reply, the wiki's fix proven", async () => {
    const { code, doc } = await auditJson('mikrotik-wiki.rsc');
    expect(code).toBe(1);
    expect(cell(doc, 'internet').ok).toBe(true);
    const lan = cell(doc, 'lan');
    expect(lan.ok).toBe(false);
    expect(lan.findings.map((f) => f.rule)).toContain('asymmetric-reply');
    const rule =
      'add chain=srcnat src-address=192.168.1.0/24 dst-address=192.168.1.2 protocol=tcp dst-port=80 out-interface=LAN action=masquerade';
    expect(lan.fixedBy).toBe(rule);
    expect(doc.forwards[0]?.remedy).toMatchObject({ rule, proven: true });
  }, 160_000);

  it('the same printed as the matrix, with "fixed by"', async () => {
    const run = await audit([join(FIXTURES, 'mikrotik-wiki.rsc')]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/tcp 203\.0\.113\.1:80 → 192\.168\.1\.2:80\s+ok\s+fails \(fixed\)/);
    expect(run.stdout).toContain('asymmetric-reply: ');
    expect(run.stdout).toContain('fixed by: add chain=srcnat src-address=192.168.1.0/24');
  }, 160_000);

  it("OpenWrt with reflection '0': never-reached-server, fixed by reflection '1'", async () => {
    const { code, doc } = await auditJson('openwrt-reflection-off.conf');
    expect(code).toBe(1);
    const lan = cell(doc, 'lan');
    expect(lan.findings.map((f) => f.rule)).toContain('never-reached-server');
    expect(lan.fixedBy).toBe("option reflection '1' (in redirect 'web')");
  }, 160_000);

  it('an iptables-restore file: asymmetric-reply, fixed by a MASQUERADE line', async () => {
    const { code, doc } = await auditJson('hairpin-no-snat.rules');
    expect(code).toBe(1);
    const lan = cell(doc, 'lan');
    expect(lan.findings.map((f) => f.rule)).toContain('asymmetric-reply');
    expect(lan.fixedBy).toBe(
      '-A POSTROUTING -s 192.168.1.0/24 -d 192.168.1.2/32 -o lan0 -p tcp -m tcp --dport 80 -j MASQUERADE',
    );
  }, 160_000);

  it('three forwards, one UDP, audit completely in parallel and leave nothing behind', async () => {
    const { code, doc } = await auditJson('three-forwards.nft', '--jobs', '3');
    expect(code).toBe(0);
    expect(doc.forwards.map((f) => f.forward.proto)).toEqual(['tcp', 'tcp', 'udp']);
    // The fourth vantage point: a client on the config's other internal subnet, 10.0.5.0/24.
    for (const f of doc.forwards) {
      expect(f.cells.map((c) => [c.vantage, c.ok])).toEqual([
        ['internet', true],
        ['lan', true],
        ['server', true],
        ['other', true],
      ]);
    }
    expect(doc.untested).toEqual([]);
    const ids: string[] = doc.forwards.map((f) => f.runId ?? '');
    expect(new Set(ids).size).toBe(3);
    // Other runs may share the machine: only this audit's run ids are looked for.
    const { stdout } = await execa('ip', ['netns', 'list']);
    const left = stdout.split('\n').filter((l) => ids.some((id) => l.startsWith(`nl-${id}-`)));
    expect(left).toEqual([]);
    const ledger = await readdir('/run/natlab').catch(() => []);
    expect(ledger.filter((name) => ids.includes(name))).toEqual([]);
  }, 160_000);

  it.each([
    ['ufw-before-rules.rules', 'tcp', 8080, '10.0.0.5:80'],
    ['firewalld.nft', 'tcp', 8080, '10.0.0.5:80'],
    ['docker.rules', 'tcp', 8080, '172.17.0.2:80'],
  ])(
    '%s: its forward found and reached from the internet',
    async (file, proto, port, target) => {
      const { doc } = await auditJson(file);
      const f = doc.forwards[0];
      if (!f) throw new Error('no forward');
      expect(`${f.forward.proto} ${f.forward.port} ${f.forward.toAddr}:${f.forward.toPort}`).toBe(
        `${proto} ${port} ${target}`,
      );
      expect(cell(doc, 'internet').ok).toBe(true);
    },
    160_000,
  );
});
