// report.html in a real browser: Debian's chromium, headless, loads the page a real run wrote. No
// console error, the diagrams present with one arrow per hop the ladder model has, and a screenshot.

import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildLadder } from '../../src/report/ladder.ts';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { describeLab, natlabCli } from '../support/lab.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
// As root, without a sandbox; no background connections, which this machine's network refuses.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'natlab-html-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describeLab('report.html in headless chromium', () => {
  it('loads without console errors, with the topology and a ladder per probe, arrows counted', async () => {
    const haveChromium = await access(CHROMIUM).then(
      () => true,
      () => false,
    );
    // scripts/setup.sh --test-tools installs it; CI must not pass without the browser test.
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh --test-tools`);
    const dir = join(out, 'run');
    const run = await natlabCli(['hairpin-broken', '--out', dir]);
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as ScenarioResult;
    const switches = new Set(
      result.topology.nodes.filter((n) => n.kind === 'switch').map((n) => n.name),
    );
    const arrows = result.probes.map((p) =>
      buildLadder(p, switches).rows.reduce((n, r) => n + Math.max(0, r.stops.length - 1), 0),
    );
    expect(arrows.every((n) => n > 0)).toBe(true);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: FLAGS,
      timeout: 30_000,
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      await page.goto(`file://${join(dir, 'report.html')}`, { timeout: 15_000 });
      expect(await page.title()).toBe('natlab: hairpin-broken pass');
      expect(await page.locator('svg.topology .node').count()).toBe(result.topology.nodes.length);
      expect(await page.locator('svg.topology .link').count()).toBe(result.topology.links.length);
      const ladders = page.locator('svg.ladder');
      expect(await ladders.count()).toBe(result.probes.length);
      for (const [i, expected] of arrows.entries())
        expect(await ladders.nth(i).locator('line.arrow').count()).toBe(expected);
      expect(await page.locator('#diagnosis .finding').count()).toBe(result.diagnosis.length);
      expect(await page.locator('#captures a').count()).toBe(result.captures.length);
      // The pcap links resolve next to the page.
      const href = await page.locator('#captures a').first().getAttribute('href');
      await access(join(dir, href ?? 'missing'));
      await page.screenshot({
        path: join(ROOT, 'test-results/report-hairpin-broken.png'),
        fullPage: true,
      });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
