// `natlab audit`'s bad input, in-process (no root): unknown options, no config, a config it cannot
// read, each exit 2 with a clear message before any lab exists; and the remedy in each language.

import { describe, expect, it } from 'vitest';
import type { PortForward } from '../../src/audit/forward.ts';
import { hairpinRemedy } from '../../src/audit/remedy.ts';
import { auditCommand } from '../../src/cli/audit-command.ts';
import { EXIT } from '../../src/cli/exit.ts';
import { fakeIo } from '../support/fake-io.ts';

describe('natlab audit, bad input', () => {
  it('refuses an unknown option with its usage', async () => {
    const { out, io } = fakeIo();
    expect(await auditCommand(['x.rsc', '--frobnicate'], io)).toBe(EXIT.error);
    expect(out.stderr).toMatch(/Unknown option '--frobnicate'/);
    expect(out.stderr).toMatch(/usage: natlab audit CONFIG/);
  });

  it('wants exactly one config', async () => {
    const { out, io } = fakeIo();
    expect(await auditCommand([], io)).toBe(EXIT.error);
    expect(out.stderr).toMatch(/audit takes one config file/);
  });

  it('names a config it cannot read', async () => {
    const { out, io } = fakeIo();
    expect(await auditCommand(['/nonexistent/router.rsc', '--json'], io)).toBe(EXIT.error);
    expect(out.stderr).toMatch(/cannot read config \/nonexistent\/router\.rsc/);
    expect(JSON.parse(out.stdout)).toMatchObject({ verdict: 'error' });
  });

  it('checks --jobs and --public-ip', async () => {
    const { out, io } = fakeIo();
    expect(await auditCommand(['x.rsc', '--jobs', '0'], io)).toBe(EXIT.error);
    expect(await auditCommand(['x.rsc', '--public-ip', 'router'], io)).toBe(EXIT.error);
    expect(out.stderr).toMatch(/--jobs must be a whole number/);
    expect(out.stderr).toMatch(/--public-ip must be an IPv4 address, not "router"/);
  });
});

describe('hairpinRemedy', () => {
  const forward: PortForward = {
    line: 2,
    proto: 'tcp',
    port: 80,
    toAddr: '192.168.1.2',
    toPort: 80,
    redirect: { name: 'web', reflection: false },
  };
  const lab = { lanCidr: '192.168.1.0/24', lanName: 'LAN', lanIface: 'eth1' };
  const remedy = (format: Parameters<typeof hairpinRemedy>[0]['format'], config: string) =>
    hairpinRemedy({ format, config, forward, lab });

  it("RouterOS: the MikroTik wiki's srcnat masquerade, appended", () => {
    const r = remedy(
      'routeros',
      '/ip firewall nat\nadd chain=srcnat out-interface=WAN action=masquerade',
    );
    expect(r?.rule).toBe(
      'add chain=srcnat src-address=192.168.1.0/24 dst-address=192.168.1.2 protocol=tcp dst-port=80 out-interface=LAN action=masquerade',
    );
    expect(r?.config.endsWith(`${r?.rule}\n`)).toBe(true);
  });

  it('iptables-restore: a MASQUERADE line before the nat table COMMIT', () => {
    const r = remedy(
      'iptables',
      '*nat\n-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n*filter\nCOMMIT\n',
    );
    expect(r?.config.split('\n').slice(0, 4)).toEqual([
      '*nat',
      '-A POSTROUTING -o eth0 -j MASQUERADE',
      '-A POSTROUTING -s 192.168.1.0/24 -d 192.168.1.2/32 -o eth1 -p tcp -m tcp --dport 80 -j MASQUERADE',
      'COMMIT',
    ]);
  });

  it('nft: a table of its own with the masquerade', () => {
    expect(remedy('nft', 'table ip nat {\n}\n')?.rule).toContain(
      'ip saddr 192.168.1.0/24 ip daddr 192.168.1.2 oifname "eth1" tcp dport 80 masquerade;',
    );
  });

  it("OpenWrt: reflection '0' becomes '1' in that redirect", () => {
    const config =
      "config redirect\n\toption name 'web'\n\toption reflection '0'\n\nconfig zone\n\toption reflection '0'\n";
    const r = remedy('openwrt', config);
    expect(r?.rule).toBe("option reflection '1' (in redirect 'web')");
    expect(r?.config).toBe(
      "config redirect\n\toption name 'web'\n\toption reflection '1'\n\nconfig zone\n\toption reflection '0'\n",
    );
  });
});
