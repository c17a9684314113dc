// report.html in a real browser: Debian's chromium, headless, loads the page a real run wrote. No
// console error, the diagrams present with one arrow per hop the ladder model has, and a screenshot.
// A failing run's first screenful shows its failed check and the diagnosis.

import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html-report.ts';
import { buildLadder } from '../../src/report/ladder.ts';
import type { ScenarioResult } from '../../src/report/scenario-result.ts';
import { expectHairpinFixed, renderFixtureResult } from '../support/fixture-result.ts';
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

async function launch(): Promise<Browser> {
  const haveChromium = await access(CHROMIUM).then(
    () => true,
    () => false,
  );
  // scripts/setup.sh --test-tools installs it; CI must not pass without the browser test.
  if (!haveChromium) throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh --test-tools`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 30_000 });
}

describe('report.html of a failing run in headless chromium', () => {
  it('shows the failed check and the diagnosis in its first screenful', async () => {
    // hairpin-broken's recording judged as if fixed: the probe and the diagnosis checks fail.
    const result = await renderFixtureResult('hairpin-broken', { expect: expectHairpinFixed });
    expect(result.verdict).toBe('fail');
    const file = join(out, 'failing.html');
    await writeFile(file, renderHtmlReport(result));
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`file://${file}`, { timeout: 15_000 });
      const failed = page.locator('.failed-check').first();
      const finding = page.locator('#diagnosis .finding p').nth(1);
      for (const element of [failed, finding]) {
        expect(await element.isVisible()).toBe(true);
        const box = await element.boundingBox();
        expect(box?.y).toBeGreaterThanOrEqual(0);
        expect((box?.y ?? 800) + (box?.height ?? 0)).toBeLessThan(800);
      }
      // The failing probe's ladder is open, its stray SYN-ACK drawn in the failure colour.
      const cited = page.locator('#probe-lan-client svg.ladder .cited line.arrow').first();
      // A horizontal line has no height, so playwright never calls it visible: its ladder is.
      expect(await page.locator('#probe-lan-client svg.ladder').isVisible()).toBe(true);
      expect(await cited.evaluate((line) => getComputedStyle(line).stroke)).toBe(
        'rgb(180, 35, 35)',
      );
      expect(await page.locator('#probe-remote svg.ladder').isVisible()).toBe(false);
      await page.screenshot({ path: join(ROOT, 'test-results/report-failing-first-screen.png') });
      await page.screenshot({
        path: join(ROOT, 'test-results/report-failing.png'),
        fullPage: true,
      });
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describeLab('report.html in headless chromium', () => {
  it('loads without console errors, with the topology and a ladder per probe, arrows counted', async () => {
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

    const browser = await launch();
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
