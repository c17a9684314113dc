// The terminal report: ladder, narrative and diagnosis within 100 columns.

import { stripVTControlCharacters } from 'node:util';
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
    {
      id: 'probe:lan-client',
      name: 'lan-client: client → 203.0.113.1:80 fails',
      ok: true,
      detail: 'failed: timeout',
    },
    {
      id: 'flow:client-answers-with-rst',
      name: 'client answers with RST',
      ok: false,
      detail: 'no matching packet at client:eth0',
    },
  ],
  probes: [
    {
      name: 'lan-client',
      from: 'client',
      to: '203.0.113.1:80',
      expect: 'fails',
      ok: false,
      error: 'curl: (28) timeout',
      startedAt: 0,
      journeys: [
        {
          number: 1,
          connection: 1,
          role: 'SYN',
          kind: 'SYN',
          proto: 'tcp',
          sent: {
            src: { address: '192.168.1.10', port: 40000 },
            dst: { address: '203.0.113.1', port: 80 },
          },
          received: {
            src: { address: '192.168.1.10', port: 40000 },
            dst: { address: '192.168.1.2', port: 80 },
          },
          hops: [
            { point: 'client:eth0', direction: 'out', frame: 1, timeUs: 1 },
            { point: 'lan:client', direction: 'in', frame: 1, timeUs: 2 },
            { point: 'router:lan0', direction: 'in', frame: 1, timeUs: 4 },
            { point: 'router:lan0', direction: 'out', frame: 2, timeUs: 5 },
            { point: 'lan:router', direction: 'in', frame: 1, timeUs: 6 },
          ],
          rewrites: [
            {
              node: 'router',
              nat: 'DNAT',
              from: { address: '203.0.113.1', port: 80 },
              to: { address: '192.168.1.2', port: 80 },
              hop: 3,
            },
          ],
          fate: { kind: 'swallowed', node: 'lan', point: 'lan:router' },
          lastSeen: 'entered lan router, never left lan',
        },
      ],
      connections: [],
    },
  ],
  topology: {
    nodes: [
      { name: 'client', kind: 'host' },
      { name: 'lan', kind: 'switch' },
      { name: 'router', kind: 'router' },
    ],
    links: [],
  },
  diagnosis: [],
  kernelState: [],
  captures: [],
  rulesets: [],
  outDir: '/tmp/out',
  timings: [],
  durationMs: 1234,
};

describe('renderTerminalReport', () => {
  it('marks checks, draws a ladder and a narrative per probe, and ends with the verdict', () => {
    const text = renderTerminalReport(result, glyphsFor(true));
    expect(text).toContain('✓');
    expect(text).toContain('✗');
    const ladder = text.split('\n').filter((l) => /^\s+1 SYN|client\s+router\s+lan/.test(l));
    // A switch gets a column only because the packet died in it.
    expect(ladder).toEqual([
      expect.stringMatching(/client +router +lan/),
      expect.stringMatching(/^ +1 SYN +│─+▶●─+▶✗$/),
    ]);
    // Wrapped at 100 columns, continuing under the text.
    expect(text).toContain(
      '  1. client sends SYN 192.168.1.10:40000 → 203.0.113.1:80 via router: entered lan router, never left\n       lan\n',
    );
    expect(text).toContain(
      '       router: DNAT dst 203.0.113.1:80 → 192.168.1.2:80 (source unchanged)',
    );
    expect(text).toContain('FAIL: 1 of 2 checks failed (1.23 s)');
    expect(text).toContain('/tmp/out');
  });

  it('falls back to plain ASCII without colour when the output is not a terminal', () => {
    const text = renderTerminalReport(result, glyphsFor(false));
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(text).toMatch(/ 1 SYN +\|-+>\*-+>x\n/);
    expect(text).toContain('  ok lan-client: client -> 203.0.113.1:80 fails');
    expect(text).toContain('  FAIL client answers with RST');
  });

  it('fits every line of a real run into 100 columns', async () => {
    const { renderFixtureResult } = await import('../support/fixture-result.ts');
    for (const tty of [true, false]) {
      const text = renderTerminalReport(
        await renderFixtureResult('hairpin-broken'),
        glyphsFor(tty),
      );
      const plainLines = stripVTControlCharacters(text).split('\n');
      expect(plainLines.filter((l) => [...l].length > 100)).toEqual([]);
      expect(plainLines.length).toBeGreaterThan(40);
    }
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
