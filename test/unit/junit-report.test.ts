// JUnit XML: a testsuite per scenario or candidate, a testcase per check, failures with their diagnosis.

import { describe, expect, it } from 'vitest';
import { renderJunit, renderJunitSuites } from '../../src/report/junit-report.ts';

const base = { scenario: 'hairpin-broken', durationMs: 1234 };

const failedRun = {
  ...base,
  verdict: 'fail' as const,
  outDir: '/tmp/natlab-out',
  checks: [
    {
      id: 'probe:remote',
      name: 'remote: remote → 203.0.113.1:80 connects',
      ok: true,
      detail: 'connected',
      probe: 'remote',
      ms: 42,
    },
    {
      id: 'flow:client-answers-with-rst',
      name: 'client answers with RST',
      ok: false,
      detail: 'no matching packet at client:eth0 <sic> & "more"',
      probe: 'lan-client',
      ms: 2005,
    },
  ],
  diagnosis: [
    {
      rule: 'asymmetric-reply' as const,
      probe: 'lan-client',
      summary: 'lan-client: the SYN-ACK came from 192.168.1.2:80',
      evidence: ['client:eth0 frame 1: SYN', 'client:eth0 frame 2: SYN-ACK'],
    },
    {
      rule: 'never-reached-server' as const,
      probe: 'remote',
      summary: 'remote: a finding of another probe',
      evidence: [],
    },
  ],
};

describe('renderJunit', () => {
  it('writes one timed testcase per check; a failure carries its detail, its probe’s diagnosis and the report', () => {
    const xml = renderJunit(failedRun);
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="natlab" tests="2" failures="1" errors="0" skipped="0" time="1\.234">/,
    );
    expect(xml).toContain(
      '<testcase classname="natlab.hairpin-broken" name="remote: remote → 203.0.113.1:80 connects" time="0.042"/>',
    );
    expect(xml).toContain(
      '<testcase classname="natlab.hairpin-broken" name="client answers with RST" time="2.005">',
    );
    const failure = xml.slice(xml.indexOf('<failure'), xml.indexOf('</failure>'));
    expect(failure).toContain(
      '<failure message="no matching packet at client:eth0 &lt;sic&gt; &amp; &quot;more&quot;">',
    );
    expect(failure).toContain(
      'diagnosis (asymmetric-reply): lan-client: the SYN-ACK came from 192.168.1.2:80\n  client:eth0 frame 1: SYN',
    );
    expect(failure).not.toContain('another probe');
    expect(failure).toContain('report: /tmp/natlab-out/report.html');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
  });

  it('reports a skip and an error as one timed testcase each, and keeps XML free of control characters', () => {
    const skipped = renderJunit({
      ...base,
      verdict: 'skip',
      reason: 'needs ebtables broute',
      checks: [],
    });
    expect(skipped).toContain('skipped="1"');
    expect(skipped).toContain('name="scenario" time="1.234"');
    expect(skipped).toContain('<skipped message="needs ebtables broute">');
    const errored = renderJunit({
      ...base,
      verdict: 'error',
      reason: 'failed\u0007 to apply',
      checks: [],
    });
    expect(errored).toContain('errors="1"');
    expect(errored).toContain('<error message="failed to apply">');
  });
});

describe('renderJunitSuites', () => {
  it('writes a testsuite per entry, with the totals over all of them', () => {
    const xml = renderJunitSuites([
      { name: 'hairpin [1 broken.rsc]', result: failedRun },
      {
        name: 'hairpin [2 fixed.rsc]',
        result: { ...failedRun, verdict: 'pass', checks: failedRun.checks.slice(0, 1) },
      },
    ]);
    expect(xml).toContain(
      '<testsuites name="natlab" tests="3" failures="1" errors="0" skipped="0" time="2.468">',
    );
    expect(xml).toContain(
      '<testsuite name="hairpin [1 broken.rsc]" tests="2" failures="1" errors="0" skipped="0" time="1.234">',
    );
    expect(xml).toContain(
      '<testsuite name="hairpin [2 fixed.rsc]" tests="1" failures="0" errors="0" skipped="0" time="1.234">',
    );
    expect(xml).toContain('classname="natlab.hairpin [2 fixed.rsc]"');
  });
});
