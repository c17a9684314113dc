// Results of the same scenarios on several kernels, side by side, with what differs.

import { describe, expect, it } from 'vitest';
import {
  type KernelRunReport,
  kernelDifferences,
  overallVerdict,
  renderKernelComparison,
} from '../../src/report/kernel-comparison.ts';
import type { ProbeReport } from '../../src/report/scenario-result.ts';
import { glyphsFor } from '../../src/report/terminal-report.ts';

const probe = (name: string, ok: boolean): ProbeReport => ({
  name,
  from: name,
  to: '203.0.113.80:80',
  expect: 'connects',
  ok,
  startedAt: 0,
  journeys: [],
  connections: [],
});

const run = (kernel: string, over: Partial<KernelRunReport>): KernelRunReport => ({
  kernel,
  release: `${kernel}-release`,
  ranOn: kernel === 'host' ? 'this machine' : 'qemu tcg',
  verdict: 'pass',
  checks: [],
  probes: [],
  diagnosis: [],
  capabilities: [],
  ...over,
});

const host = run('host', {
  verdict: 'skip',
  reason: 'needs the ebtables broute table',
  capabilities: [
    { name: 'ebtables-broute', available: false, how: 'ebtables -t broute -L', detail: 'no' },
  ],
});
const guest = run('debian-6.1', {
  capabilities: [
    { name: 'ebtables-broute', available: true, how: 'ebtables -t broute -L', detail: 'works' },
  ],
  probes: [probe('wifi', true), probe('wired', true)],
  checks: [
    { id: 'probe:wired', name: 'wired: wired → 203.0.113.80:80 connects', ok: true, detail: '' },
  ],
});

describe('kernel comparison', () => {
  it('ranks verdicts: error, then fail; skips only when nothing ran', () => {
    expect(overallVerdict(['skip', 'pass'])).toBe('pass');
    expect(overallVerdict(['skip', 'skip'])).toBe('skip');
    expect(overallVerdict(['pass', 'fail', 'skip'])).toBe('fail');
    expect(overallVerdict(['fail', 'error'])).toBe('error');
  });

  it('lists exactly what differs, kernel by kernel', () => {
    expect(kernelDifferences([host, guest])).toEqual([
      'verdict: host: skip, debian-6.1: pass',
      'capability ebtables-broute: host: missing, debian-6.1: available',
      'probe wifi: host: not run, debian-6.1: connected',
      'probe wired: host: not run, debian-6.1: connected',
      'check "wired: wired → 203.0.113.80:80 connects": host: not run, debian-6.1: held',
    ]);
    const other = run('host', {
      probes: [probe('wifi', true), probe('wired', false)],
      diagnosis: [{ rule: 'swallowed-by-node', summary: '', evidence: [] }],
    });
    const same = run('debian-6.1', { probes: [probe('wifi', true), probe('wired', true)] });
    expect(kernelDifferences([other, same])).toEqual([
      'probe wired: host: failed, debian-6.1: connected',
      'diagnosis swallowed-by-node: host: found, debian-6.1: not found',
    ]);
    expect(kernelDifferences([same, { ...same, kernel: 'x' }])).toEqual([]);
  });

  it('renders a row per kernel, the skip reason and the differences in ASCII off a terminal', () => {
    const text = renderKernelComparison(
      { scenario: 'bridge-nat-broute', verdict: 'pass', kernels: [host, guest] },
      glyphsFor(false),
    );
    expect(text).toContain('bridge-nat-broute on 2 kernels');
    expect(text).toMatch(/ {2}host {8}host-release {8}this machine {2}skip {5}-\n/);
    expect(text).toMatch(
      /debian-6\.1 {2}debian-6\.1-release {2}qemu tcg {6}pass {5}wifi connected, wired connected/,
    );
    expect(text).toContain('host skip: needs the ebtables broute table');
    expect(text).toContain('- check "wired: wired -> 203.0.113.80:80 connects"');
    expect(text).not.toContain('→');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });
});
