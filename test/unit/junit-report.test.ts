import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit-report.ts';

const base = { scenario: 'hairpin-broken', durationMs: 1234 };

describe('renderJunit', () => {
  it('writes one testcase per check, with the failing ones carrying their detail', () => {
    const xml = renderJunit({
      ...base,
      verdict: 'fail',
      checks: [
        {
          id: 'probe:remote',
          name: 'remote: remote → 203.0.113.1:80 connects',
          ok: true,
          detail: 'connected',
        },
        {
          id: 'flow:client-answers-with-rst',
          name: 'client answers with RST',
          ok: false,
          detail: 'no matching packet at client:eth0 <sic> & "more"',
        },
      ],
    });
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="natlab" tests="2" failures="1" errors="0" skipped="0" time="1\.234">/,
    );
    expect(xml).toContain(
      '<testcase classname="natlab.hairpin-broken" name="remote: remote → 203.0.113.1:80 connects"/>',
    );
    expect(xml).toContain(
      '<failure message="no matching packet at client:eth0 &lt;sic&gt; &amp; &quot;more&quot;">',
    );
    expect(xml.match(/<testcase /g)).toHaveLength(2);
  });

  it('reports a skip and an error as one testcase each, and keeps XML free of control characters', () => {
    const skipped = renderJunit({
      ...base,
      verdict: 'skip',
      reason: 'needs ebtables broute',
      checks: [],
    });
    expect(skipped).toContain('skipped="1"');
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
