// The bad-input corpus: every malformed input natlab takes (scenario files, rulesets, pcaps, CLI
// arguments), each with its exit code and a fragment of the message that must name the problem.
// Every case: no stack trace, and nothing left behind (namespaces, ledger entries, temp dirs).

import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { EXIT, type Io, main } from '../../src/cli/main.ts';
import { LEDGER_DIR } from '../../src/system/run-ledger.ts';
import { describeLab } from '../support/lab.ts';

const BAD = 'test/fixtures/bad-input';
const scenario = (name: string) => [name, '--scenarios', `${BAD}/scenarios`];
const candidate = (file: string) => ['hairpin', '--ruleset', `${BAD}/rulesets/${file}`];
const pcap = (file: string) => ['--decode', `${BAD}/pcaps/${file}`];

interface Case {
  input: string;
  argv: string[];
  exit: number;
  message: RegExp;
}

const CASES: Case[] = [
  // Scenario definitions.
  {
    input: 'link to an unknown node',
    argv: scenario('unknown-node'),
    exit: 2,
    message: /link end "c:eth0" refers to an unknown node/,
  },
  {
    input: 'duplicate address',
    argv: scenario('duplicate-address'),
    exit: 2,
    message: /address 10\.0\.0\.1 is on both a:eth0 and b:eth0/,
  },
  {
    input: 'invalid CIDR',
    argv: scenario('invalid-cidr'),
    exit: 2,
    message: /"10\.0\.0\.300\/24" on a:eth0 is not a valid CIDR/,
  },
  {
    input: 'interface name over 15 characters',
    argv: scenario('long-interface-name'),
    exit: 2,
    message: /a:ethernet0123456789 is 18 characters; Linux allows 15/,
  },
  {
    input: 'link with one end',
    argv: scenario('one-ended-link'),
    exit: 2,
    message: /link #3 needs two ends, a and b/,
  },
  {
    input: 'route via an unreachable gateway',
    argv: scenario('unreachable-gateway'),
    exit: 2,
    message: /via 192\.0\.2\.1 is unreachable/,
  },
  {
    input: 'probe from an unknown node',
    argv: scenario('probe-unknown-node'),
    exit: 2,
    message: /probe p: "ghost" is not a host or router/,
  },
  {
    input: 'flow during an unknown probe',
    argv: scenario('flow-unknown-probe'),
    exit: 2,
    message: /during "nope" is not a probe/,
  },
  {
    input: 'flow match with a bad address',
    argv: scenario('bad-flow-address'),
    exit: 2,
    message: /match\.src "10\.0\.0\.999" is not an address/,
  },
  {
    input: 'unknown capability',
    argv: scenario('unknown-capability'),
    exit: 2,
    message: /needs: "teleport" is not one of/,
  },
  {
    input: 'service on port 0',
    argv: scenario('bad-service-port'),
    exit: 2,
    message: /service port 0 is not 1-65535/,
  },
  {
    input: 'two probes with one name',
    argv: scenario('duplicate-probe'),
    exit: 2,
    message: /probe name "p" is used twice/,
  },
  {
    input: 'file exporting no scenario',
    argv: scenario('not-a-scenario'),
    exit: 2,
    message: /must export default defineScenario/,
  },
  {
    input: 'file throwing as it loads',
    argv: scenario('throws-on-load'),
    exit: 2,
    message: /"throws-on-load" failed to load .*this scenario file is broken/,
  },
  // Ruleset files.
  {
    input: 'empty ruleset',
    argv: candidate('empty.rules'),
    exit: 2,
    message: /empty\.rules: is empty/,
  },
  {
    input: 'binary ruleset',
    argv: candidate('binary.rules'),
    exit: 2,
    message: /binary\.rules: is not text/,
  },
  {
    input: 'ruleset in no known format',
    argv: candidate('prose.txt'),
    exit: 2,
    message: /prose\.txt: is in no format natlab knows/,
  },
  {
    input: 'RouterOS unknown property',
    argv: candidate('routeros-unknown-property.rsc'),
    exit: 2,
    message: /line 2, column \d+, property frobnicate: unknown or unsupported property/,
  },
  {
    input: 'iptables-restore without COMMIT',
    argv: candidate('iptables-no-commit.rules'),
    exit: 2,
    message: /iptables-restore: COMMIT expected at line 3/,
  },
  {
    input: 'iptables target the kernel rejects',
    argv: candidate('iptables-kernel-rejects.rules'),
    exit: 2,
    message: /failed to apply iptables ruleset on router[\s\S]*NO_SUCH_TARGET/,
  },
  {
    input: 'nft syntax error',
    argv: candidate('nft-syntax-error.nft'),
    exit: 2,
    message: /failed to apply nft ruleset on router[\s\S]*frobnicate/,
  },
  {
    input: 'ruleset file that does not exist',
    argv: candidate('no-such-file.rules'),
    exit: 2,
    message: /no-such-file\.rules.*(ENOENT|no such file)/i,
  },
  // pcap files.
  {
    input: 'zero-length pcap',
    argv: pcap('empty.pcap'),
    exit: 2,
    message: /empty\.pcap: the file is empty/,
  },
  {
    input: 'pcap with a wrong magic number',
    argv: pcap('wrong-magic.pcap'),
    exit: 2,
    message: /wrong-magic\.pcap: unknown magic number/,
  },
  {
    input: 'truncated pcap',
    argv: pcap('truncated.pcap'),
    exit: 2,
    message: /truncated\.pcap: truncated: 30 bytes after frame 1/,
  },
  {
    input: 'frame over the snap length',
    argv: pcap('snaplen-exceeded.pcap'),
    exit: 2,
    message: /frame 1 holds 60 bytes, more than the snap length 40/,
  },
  {
    input: 'pcap that is not Ethernet',
    argv: pcap('not-ethernet.pcap'),
    exit: 2,
    message: /link type 101 is not Ethernet/,
  },
  {
    input: 'pcap shorter than its header',
    argv: pcap('short-header.pcap'),
    exit: 2,
    message: /too short for a pcap header \(10 bytes\)/,
  },
  {
    input: 'pcap that does not exist',
    argv: pcap('nothing-here.pcap'),
    exit: 2,
    message: /nothing-here\.pcap.*(ENOENT|no such file)/i,
  },
  // CLI arguments.
  {
    input: 'unknown option',
    argv: ['hairpin-broken', '--bogus'],
    exit: 2,
    message: /Unknown option '--bogus'/,
  },
  {
    input: 'option missing its value',
    argv: ['hairpin-broken', '--out'],
    exit: 2,
    message: /Option '--out <value>' argument missing/,
  },
  {
    input: 'nonexistent scenario',
    argv: ['no-such-scenario'],
    exit: 2,
    message: /unknown scenario "no-such-scenario"; known scenarios: .*hairpin-broken/,
  },
  {
    input: 'scenario path outside scenarios/',
    argv: ['../../etc/passwd'],
    exit: 2,
    message: /"\.\.\/\.\.\/etc\/passwd" is a path; name a scenario file/,
  },
  {
    input: 'two scenario names',
    argv: ['hairpin', 'hairpin-broken'],
    exit: 2,
    message: /name one scenario \(got 2\)/,
  },
  {
    input: '--ruleset on a scenario without a NAT node',
    argv: ['dmz-subnet', '--ruleset', `${BAD}/rulesets/empty.rules`],
    exit: 2,
    message: /names no NAT node/,
  },
  {
    input: 'malformed --iface-map',
    argv: [
      'hairpin',
      '--ruleset',
      'test/fixtures/rulesets/mikrotik-fixed.rsc',
      '--iface-map',
      'WAN',
    ],
    exit: 2,
    message: /iface-map/,
  },
  {
    input: 'a backend that does not exist',
    argv: ['hairpin-broken', '--backend', 'docker'],
    exit: 2,
    message: /--backend must be netns or mininet, not "docker"/,
  },
  {
    input: 'Open vSwitch, which this kernel cannot run',
    argv: ['hairpin-broken', '--backend', 'ovs'],
    exit: 2,
    message: /Open vSwitch cannot be used here: this kernel has no openvswitch module/,
  },
  {
    input: '--keep with the Mininet backend',
    argv: ['hairpin-broken', '--backend', 'mininet', '--keep'],
    exit: 2,
    message: /--keep needs the netns backend/,
  },
  {
    input: 'scenario directory that does not exist',
    argv: ['x', '--scenarios', '/nonexistent-natlab-dir'],
    exit: 2,
    message: /cannot read the scenario directory \/nonexistent-natlab-dir/,
  },
];

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function leftovers(): Promise<string[]> {
  const list = (dir: string, prefix: string) =>
    readdir(dir).then(
      (names) => names.filter((n) => n.startsWith(prefix)).map((n) => `${dir}/${n}`),
      () => [] as string[],
    );
  return [
    ...(await list('/run/netns', 'nl-')),
    ...(await list(LEDGER_DIR, '')),
    ...(await list(tmpdir(), 'natlab-')),
  ];
}

describeLab('the bad-input corpus', () => {
  it('holds at least 30 malformed inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)(
    '$input: exit $exit, names the problem, leaves nothing',
    async ({ argv, exit, message }) => {
      const before = await leftovers();
      const stdout = new Capture();
      const stderr = new Capture();
      const code = await main(argv, { stdout, stderr } as unknown as Io);
      expect({ code, stderr: stderr.text }).toMatchObject({ code: exit });
      expect(stderr.text).toMatch(message);
      // A user error is a message, never a stack.
      expect(stderr.text).not.toMatch(/^\s+at /m);
      expect(await leftovers()).toEqual(before);
      expect(exit).not.toBe(EXIT.pass);
    },
  );
});
