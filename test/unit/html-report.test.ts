// report.html is one self-contained page built from a result.

import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html-report.ts';
import { citedJourneys } from '../../src/report/html-triage.ts';
import { buildLadder } from '../../src/report/ladder.ts';
import { expectHairpinFixed, renderFixtureResult } from '../support/fixture-result.ts';

describe('renderHtmlReport', () => {
  it('draws one arrow per hop between nodes, and needs no script or outside asset', async () => {
    const result = await renderFixtureResult('bridge-nat-bug');
    const html = renderHtmlReport(result);
    const switches = new Set(['switch']);
    const segments = result.probes
      .flatMap((p) => buildLadder(p, switches).rows)
      .reduce((n, row) => n + row.stops.length - 1, 0);
    expect(segments).toBeGreaterThan(10);
    expect(html.match(/<line class="arrow"/g)).toHaveLength(segments);
    // The wired client's reply dies in the gateway: drawn dropped, and named in the diagnosis.
    expect(html).toMatch(/<g class="journey dropped">/);
    expect(html).toContain('<b>swallowed-by-node</b>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html.match(/<a href="[a-z]+-[a-z0-9]+\.pcap">/g)).toHaveLength(result.captures.length);
  });

  it('escapes what it did not write itself', async () => {
    const result = await renderFixtureResult('hairpin-broken');
    const html = renderHtmlReport({ ...result, description: '<img src=x onerror=alert(1)>' });
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
  });

  it('opens with what broke, linked to the ladder; the passing probe collapsed, the stray SYN-ACK red', async () => {
    const result = await renderFixtureResult('hairpin-broken', { expect: expectHairpinFixed });
    const html = renderHtmlReport(result);
    const triage = html.indexOf('<section id="triage"');
    expect(triage).toBeGreaterThan(0);
    expect(triage).toBeLessThan(html.indexOf('<details class="probe'));
    expect(html.match(/<li class="failed-check">/g)).toHaveLength(2);
    expect(html).toContain('<a class="to-ladder" href="#probe-lan-client">');
    expect(html).toMatch(/<details class="probe bad" id="probe-lan-client" open>/);
    expect(html).toMatch(/<details class="probe good" id="probe-remote">/);
    const probe = result.probes.find((p) => p.name === 'lan-client');
    if (!probe) throw new Error('no lan-client probe');
    const cited = [...citedJourneys(probe, result.diagnosis).keys()];
    expect(cited.map((n) => probe.journeys.find((j) => j.number === n)?.role)).toEqual(['SYN-ACK']);
    expect(html).toMatch(
      /<g class="cited"><title>cited by asymmetric-reply<\/title><text class="label" [^>]*>\d+ SYN-ACK/,
    );
    expect(html).not.toMatch(/<script/);
  });
});
