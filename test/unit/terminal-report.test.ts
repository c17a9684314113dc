import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { glyphsFor, renderTerminalReport } from '../../src/report/terminal-report.ts';

const result: ScenarioResult = {
  scenario: 'hairpin-broken',
  description: 'Port forward without hairpin SNAT',
  runId: 'abc123',
  verdict: 'fail',
  kernel: '6.1.0-test',
  capabilities: [],
  checks: [
    { name: 'lan-client: client → 203.0.113.1:80 fails', ok: true, detail: 'failed: timeout' },
    { name: 'client answers with RST', ok: false, detail: 'no matching packet at client:eth0' },
  ],
  probes: [
    {
      name: 'lan-client',
      from: 'client',
      to: '203.0.113.1:80',
      expect: 'fails',
      ok: false,
      error: 'curl: (28) timeout',
      trace: [
        {
          kind: 'SYN',
          addresses: '192.168.1.10:40000 → 203.0.113.1:80',
          proto: 'tcp',
          sport: 40000,
          dport: 80,
          hops: [
            { point: 'client:eth0', direction: 'out', frame: 1, timeUs: 1 },
            { point: 'lan:client', direction: 'in', frame: 1, timeUs: 2 },
            { point: 'lan:router', direction: 'out', frame: 1, timeUs: 3 },
            { point: 'router:lan0', direction: 'in', frame: 1, timeUs: 4 },
          ],
        },
      ],
    },
  ],
  diagnosis: [],
  kernelState: [],
  captures: [],
  rulesets: [],
  outDir: '/tmp/out',
  timings: [],
  durationMs: 1234,
};

describe('renderTerminalReport', () => {
  it('marks checks, draws each probe step with the path it took, and ends with the verdict', () => {
    const text = renderTerminalReport(result, glyphsFor(true));
    expect(text).toContain('✓');
    expect(text).toContain('✗');
    expect(text).toMatch(
      /1 {2}SYN {2}192\.168\.1\.10:40000 → 203\.0\.113\.1:80 .*client:eth0 › lan:client→router › router:lan0/,
    );
    expect(text).toContain('FAIL: 1 of 2 checks failed (1.23 s)');
    expect(text).toContain('/tmp/out');
  });

  it('falls back to plain ASCII without colour when the output is not a terminal', () => {
    const text = renderTerminalReport(result, glyphsFor(false));
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(text).toContain('client:eth0 > lan:client->router > router:lan0');
    expect(text).toContain('  ok lan-client: client -> 203.0.113.1:80 fails');
    expect(text).toContain('  FAIL client answers with RST');
  });

  it('wraps a diagnosis to fit 100 columns', () => {
    const summary = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const text = renderTerminalReport(
      {
        ...result,
        diagnosis: [{ rule: 'asymmetric-reply', summary, evidence: ['client:eth0 frame 4'] }],
      },
      glyphsFor(false),
    );
    const block = text.slice(text.indexOf('Diagnosis'));
    expect(block).toContain('[asymmetric-reply] word0 word1');
    for (const line of block.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(block).toContain('word39');
  });

  it('shows the reason of a skip', () => {
    const text = renderTerminalReport(
      { ...result, verdict: 'skip', reason: 'missing tools: nft', checks: [], probes: [] },
      glyphsFor(false),
    );
    expect(text).toContain('SKIPPED: missing tools: nft');
  });
});
