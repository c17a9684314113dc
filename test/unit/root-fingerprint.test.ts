// The root-namespace fingerprint's diff: lines gone and new, sysctl values changed, and sysctls
// that only appear or go (a module loading) left out.

import { describe, expect, it } from 'vitest';
import { fingerprintChanges, type RootFingerprint } from '../support/root-fingerprint.ts';

const base: RootFingerprint = {
  lines: ['ip -o link show: 1: lo: mtu 65536', 'ip netns list: '],
  sysctls: { 'vm.swappiness': '60', 'kernel.hostname': 'host', 'net.ipv4.ip_forward': '0' },
};

describe('fingerprintChanges', () => {
  it('is empty for the same fingerprint', () => {
    expect(fingerprintChanges(base, structuredClone(base))).toEqual([]);
  });

  it('names lines gone and new', () => {
    const after = { ...base, lines: ['ip -o link show: 1: lo: mtu 65536', 'ip netns list: nl-x'] };
    expect(fingerprintChanges(base, after)).toEqual(['- ip netns list: ', '+ ip netns list: nl-x']);
  });

  it('names every vm.*, kernel.* and net.* value that changed', () => {
    const after = {
      ...base,
      sysctls: { 'vm.swappiness': '10', 'kernel.hostname': 'other', 'net.ipv4.ip_forward': '1' },
    };
    expect(fingerprintChanges(base, after)).toEqual([
      'sysctl vm.swappiness: 60 -> 10',
      'sysctl kernel.hostname: host -> other',
      'sysctl net.ipv4.ip_forward: 0 -> 1',
    ]);
  });

  it('leaves out sysctls that appear or go (a module loading, an interface)', () => {
    const after = {
      ...base,
      sysctls: { 'vm.swappiness': '60', 'kernel.hostname': 'host', 'net.bridge.x': '1' },
    };
    expect(fingerprintChanges(base, after)).toEqual([]);
  });
});
