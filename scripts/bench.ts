// `npm run bench`: whole-command wall times of `npm run scenario` (median of 5), the ratio to their
// targets, and where the time goes (fixed start-up cost, then each pipeline step from --json).

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { renderHtmlReport } from '../src/report/html-report.ts';
import type { ScenarioResult } from '../src/report/scenario-result.ts';
import { glyphsFor, renderTerminalReport } from '../src/report/terminal-report.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = 5;
const TARGETS_S: Record<string, number> = { 'hairpin-masquerade': 1.5, 'hairpin-broken': 2.5 };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function wallTime(args: string[]): Promise<{ seconds: number; stdout: string }> {
  const t0 = performance.now();
  const run = await execa('npm', ['run', '--silent', ...args], { cwd: ROOT, timeout: 60_000 });
  return { seconds: (performance.now() - t0) / 1000, stdout: String(run.stdout) };
}

const out = await mkdtemp(join(tmpdir(), 'natlab-bench-'));
try {
  const startup = [];
  for (let i = 0; i < RUNS; i++)
    startup.push((await wallTime(['scenario', '--', '--help'])).seconds);
  const fixed = median(startup);
  console.log(
    `fixed start-up (npm run + setup check + node/tsx + modules, --help): ${fixed.toFixed(2)} s\n`,
  );

  console.log('scenario             median   target   ratio   runs (s)');
  const steps = new Map<string, Map<string, number[]>>();
  for (const [name, target] of Object.entries(TARGETS_S)) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await wallTime([
        'scenario',
        name,
        '--',
        '--json',
        '--out',
        join(out, `${name}-${i}`),
      ]);
      times.push(run.seconds);
      const result = JSON.parse(run.stdout) as ScenarioResult;
      if (result.verdict !== 'pass')
        throw new Error(`${name} gave ${result.verdict}: ${result.reason ?? ''}`);
      const perStep = steps.get(name) ?? new Map<string, number[]>();
      for (const t of result.timings) perStep.set(t.step, [...(perStep.get(t.step) ?? []), t.ms]);
      steps.set(name, perStep);
    }
    const m = median(times);
    console.log(
      `${name.padEnd(20)} ${m.toFixed(2).padStart(5)} s  ${target.toFixed(1).padStart(5)} s  ${(m / target).toFixed(2).padStart(5)}×  ${times.map((t) => t.toFixed(2)).join(' ')}`,
    );
  }

  console.log('\nwhere the time goes (median ms per step, inside the run):');
  for (const [name, perStep] of steps) {
    const parts = [...perStep].map(([step, ms]) => `${step} ${median(ms)}`);
    console.log(`  ${name}: ${parts.join(', ')}`);
  }

  // What explaining the result costs: the analyse step (journeys, connections, diagnosis) inside
  // the run, and rendering the reports from its result afterwards.
  console.log('\nanalysis added to a run (median of 5):');
  for (const name of Object.keys(TARGETS_S)) {
    const analyse = median(steps.get(name)?.get('analyse') ?? []);
    const decode = median(steps.get(name)?.get('decode') ?? []);
    const result = JSON.parse(
      await readFile(join(out, `${name}-0`, 'result.json'), 'utf8'),
    ) as ScenarioResult;
    const render = (f: () => string) => {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        f();
        times.push(performance.now() - t0);
      }
      return median(times).toFixed(1);
    };
    console.log(
      `  ${name}: analyse ${analyse} ms (decode before it ${decode} ms); rendering terminal ${render(() => renderTerminalReport(result, glyphsFor(false)))} ms, report.html ${render(() => renderHtmlReport(result))} ms`,
    );
  }
} finally {
  await rm(out, { recursive: true, force: true });
}
