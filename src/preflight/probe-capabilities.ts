// What the running kernel and userland really have, found by trying each feature in a scratch
// namespace rather than by reading version numbers.

import { release } from 'node:os';
import { NatlabError } from '../errors.ts';
import type { Capability } from '../scenario/define-scenario.ts';
import { runCommand } from '../system/run-command.ts';
import { removeManifest, writeManifest } from '../system/run-ledger.ts';

export interface CapabilityResult {
  name: Capability;
  available: boolean;
  /** How it was tested, as a command a person can repeat. */
  how: string;
  /** What the test said. */
  detail: string;
}

interface CapabilityTest {
  /** Runs inside the scratch namespace. */
  inNamespace: boolean;
  argv: string[];
  /** Tried when argv fails: another tool that gives the same feature. */
  orElse?: string[];
  /** Must also succeed: a tool the feature cannot work without. */
  alsoArgv?: string[];
  input?: string;
  /** Named in skip messages. */
  feature: string;
  /** Reads a detail out of a successful run. */
  detail?: (stdout: string, stderr: string) => string;
}

const BROUTE_NFT =
  'table bridge natlab_probe { chain c { type filter hook prerouting priority -300; meta broute set 1; } }\n';

export const CAPABILITY_TESTS: Record<Capability, CapabilityTest> = {
  'br-netfilter': {
    inNamespace: true,
    argv: ['sysctl', '-n', 'net.bridge.bridge-nf-call-iptables'],
    feature: 'br_netfilter (net.bridge.bridge-nf-call-iptables)',
    detail: (out) => `bridge-nf-call-iptables = ${out.trim()}`,
  },
  'ebtables-broute': {
    inNamespace: true,
    argv: ['ebtables', '-t', 'broute', '-L'],
    orElse: ['ebtables-legacy', '-t', 'broute', '-L'],
    feature:
      'the ebtables broute table (ebtables-legacy with CONFIG_BRIDGE_EBT_BROUTE, or ebtables-nft >= 1.8.10 with nft bridge meta broute, CONFIG_NFT_BRIDGE_META)',
  },
  'nft-bridge-broute': {
    inNamespace: true,
    argv: ['nft', '-f', '-'],
    input: BROUTE_NFT,
    feature: 'nft bridge meta broute (CONFIG_NFT_BRIDGE_META, nftables >= 1.0.8)',
  },
  iptables: {
    inNamespace: true,
    argv: ['iptables', '-V'],
    feature: 'iptables',
    detail: (out) => out.trim(),
  },
  nft: { inNamespace: true, argv: ['nft', 'list', 'ruleset'], feature: 'nftables (nft)' },
  conntrack: {
    inNamespace: true,
    argv: ['conntrack', '-L'],
    feature: 'conntrack-tools and nf_conntrack',
    detail: (_out, err) => err.trim(),
  },
  dnsmasq: {
    inNamespace: false,
    argv: ['dnsmasq', '--version'],
    feature: 'dnsmasq',
    detail: (out) => out.split('\n')[0] ?? '',
  },
  vlan: {
    inNamespace: true,
    argv: ['ip', '-batch', '-'],
    input:
      'link add name natlab0 type veth peer name natlab1\nlink add link natlab0 name natlab0.5 type vlan id 5\n',
    feature: '802.1Q VLAN sub-interfaces (the 8021q module)',
  },
  mininet: {
    inNamespace: false,
    argv: ['mn', '--version'],
    // Its LinuxBridge switch, the only one without Open vSwitch, runs brctl (bridge-utils).
    alsoArgv: ['brctl', '--version'],
    feature: 'Mininet (mn) with brctl (bridge-utils) for its LinuxBridge switches',
    detail: (out) => `mn ${out.trim()}`,
  },
};

export function kernelRelease(): string {
  return release();
}

/** Probes the named capabilities; a scratch namespace exists only while it is needed. */
export async function probeCapabilities(
  names: readonly Capability[],
  { runId }: { runId: string },
): Promise<CapabilityResult[]> {
  const tests = names.map((name) => ({ name, test: CAPABILITY_TESTS[name] }));
  const ns = `nl-${runId}-probe`;
  const needsNamespace = tests.some((t) => t.test.inNamespace);
  if (needsNamespace) {
    await writeManifest({ runId, scenario: 'capability probe', namespaces: [ns], kept: false });
    await runCommand(['ip', 'netns', 'add', ns], {
      action: 'create scratch namespace',
      stage: 'preflight',
    });
  }
  try {
    const results: CapabilityResult[] = [];
    const inScratch = (test: CapabilityTest, argv: string[]) =>
      test.inNamespace ? ['ip', 'netns', 'exec', ns, ...argv] : argv;
    for (const { name, test } of tests) {
      let result = {
        name,
        how: test.argv.join(' '),
        ...(await tryCommand(inScratch(test, test.argv), test)),
      };
      if (!result.available && test.orElse) {
        const other = await tryCommand(inScratch(test, test.orElse), test, test.orElse);
        const how = `${result.how}, then ${test.orElse.join(' ')}`;
        result = other.available
          ? { name, how: test.orElse.join(' '), ...other }
          : { name, how, available: false, detail: `${result.detail}; ${other.detail}` };
      }
      if (result.available && test.alsoArgv) {
        const also = await tryCommand(inScratch(test, test.alsoArgv), test, test.alsoArgv);
        if (!also.available)
          result = { name, how: `${result.how}, ${test.alsoArgv.join(' ')}`, ...also };
      }
      results.push(result);
    }
    return results;
  } finally {
    if (needsNamespace) {
      await runCommand(['ip', 'netns', 'del', ns], {
        action: 'delete scratch namespace',
        stage: 'teardown',
      });
      await removeManifest(runId);
    }
  }
}

async function tryCommand(
  argv: string[],
  test: CapabilityTest,
  tool = test.argv,
): Promise<{ available: boolean; detail: string }> {
  try {
    const out = await runCommand(argv, {
      action: `probe ${test.feature}`,
      stage: 'preflight',
      input: test.input,
      allowFailure: true,
      // Generous: a busy machine can take seconds to start Mininet's Python.
      timeoutMs: 30_000,
    });
    if (out.exitCode !== 0) {
      return {
        available: false,
        detail: out.stderr.trim().split('\n')[0] ?? `exit ${out.exitCode}`,
      };
    }
    return { available: true, detail: test.detail?.(out.stdout, out.stderr) ?? 'works' };
  } catch (error) {
    // A probe that hangs says nothing about the feature: an error, never a skip.
    if (error instanceof NatlabError && error.code !== 'COMMAND_FAILED') throw error;
    // A tool that is not installed cannot even start.
    const reason = error instanceof NatlabError ? error.shortMessage : String(error);
    return {
      available: false,
      detail: /ENOENT/.test(reason) ? `${tool[0]} is not installed` : reason,
    };
  }
}

/** The skip reason for unmet needs, naming each missing feature and how it was tested. */
export function unmetNeeds(results: readonly CapabilityResult[]): string | undefined {
  const missing = results.filter((r) => !r.available);
  if (missing.length === 0) return undefined;
  return missing
    .map((r) => `needs ${CAPABILITY_TESTS[r.name].feature}; "${r.how}" said: ${r.detail}`)
    .join('; ');
}
