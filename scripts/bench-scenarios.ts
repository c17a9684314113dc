// Whole natlab scenario commands against bench/baseline-hairpin.sh (the same lab by hand in bash),
// interleaved, as ratios to their targets; where natlab's time goes (each pipeline step from --json);
// what the analysis and the reports add; and `natlab --help`, the fixed start-up cost.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtmlReport } from '../src/report/html-report.ts';
import type { ScenarioResult } from '../src/report/scenario-result.ts';
import { glyphsFor, renderTerminalReport } from '../src/report/terminal-report.ts';
import {
  interleaved,
  median,
  natlabCommand,
  npmScript,
  ROOT,
  s,
  type Timed,
  wallTime,
  x,
} from './bench-commands.ts';

const PAIRS = 5;
const BASELINE = [join(ROOT, 'bench/baseline-hairpin.sh')];
/** hairpin-broken's LAN probe waits out its connect timeout by design: the baseline has no such wait. */
const SCENARIOS = [
  { name: 'hairpin-masquerade', expectedWaitS: 0, target: 2.0 },
  { name: 'hairpin-broken', expectedWaitS: 0.5, target: 2.0 },
];

export async function scenarioBenchmark(out: string): Promise<void> {
  console.log(
    `whole commands against bench/baseline-hairpin.sh, interleaved (baseline, natlab) × ${PAIRS}, median of the pairwise ratios:`,
  );
  console.log(
    'scenario             natlab   baseline  ratio   target  met   CPU natlab/baseline   pairs (natlab/baseline, s)',
  );
  const steps = new Map<string, Map<string, number[]>>();
  for (const { name, expectedWaitS, target } of SCENARIOS) {
    const perStep = new Map<string, number[]>();
    steps.set(name, perStep);
    const natlab = async (i: number): Promise<Timed> => {
      const command = natlabCommand(['run', name, '--json', '--out', join(out, `${name}-${i}`)]);
      const run = await wallTime(command.argv);
      const result = JSON.parse(run.stdout) as ScenarioResult;
      if (result.verdict !== 'pass')
        throw new Error(`${name} gave ${result.verdict}: ${result.reason ?? ''}`);
      if (i < 0) return run; // The warm-up run: not counted.
      const steps = result.timings.reduce((sum, t) => sum + t.ms, 0);
      const phases: [string, number][] = [
        // Node starting, natlab's modules, the scenario file loaded in its child, result files, exit.
        ['outside the run', run.seconds * 1000 - result.durationMs],
        // Root and tool checks, dead runs cleaned, capability probes.
        ['preflight', result.durationMs - steps],
        ...result.timings.map((t): [string, number] => [t.step, t.ms]),
      ];
      for (const [phase, ms] of phases)
        perStep.set(phase, [...(perStep.get(phase) ?? []), Math.round(ms)]);
      return run;
    };
    const pairs = await interleaved(
      PAIRS,
      () => wallTime(BASELINE),
      natlab,
      (base, run) => (run.seconds - expectedWaitS) / base.seconds,
    );
    const m = pairs.medianRatio;
    console.log(
      [
        name.padEnd(20),
        s(median(pairs.b.map((r) => r.seconds))).padStart(7),
        s(median(pairs.a.map((r) => r.seconds))).padStart(9),
        x(m).padStart(7),
        `≤ ${target.toFixed(1)}×`.padStart(7),
        (m <= target ? 'yes' : 'NO').padStart(4),
        `${s(median(pairs.b.map((r) => r.cpuSeconds)))}/${s(median(pairs.a.map((r) => r.cpuSeconds)))}`.padStart(
          20,
        ),
        ' ',
        pairs.a
          .map((a, i) => `${pairs.b[i]?.seconds.toFixed(2)}/${a.seconds.toFixed(2)}`)
          .join(' '),
      ].join(' '),
    );
  }
  console.log(
    `  command: ${natlabCommand(['run', 'SCENARIO', '--json', '--out', 'DIR']).label}; hairpin-broken's ratio counts its 0.5 s connect timeout out`,
  );

  console.log(
    '\nwhere natlab’s time goes (median ms: outside the run = start-up, loading the scenario file, result files; then preflight and each step):',
  );
  for (const [name, perStep] of steps) {
    const parts = [...perStep].map(([step, ms]) => `${step} ${median(ms)}`);
    console.log(`  ${name}: ${parts.join(', ')}`);
  }
  await analysisCost(out, steps);
  await helpBenchmark();
}

/** What explaining the result costs: the analyse step inside the run, and rendering its reports. */
async function analysisCost(out: string, steps: Map<string, Map<string, number[]>>): Promise<void> {
  console.log(`\nanalysis added to a run (median of ${PAIRS}):`);
  for (const { name } of SCENARIOS) {
    const analyse = median(steps.get(name)?.get('analyse') ?? []);
    const decode = median(steps.get(name)?.get('decode') ?? []);
    const result = JSON.parse(
      await readFile(join(out, `${name}-0`, 'result.json'), 'utf8'),
    ) as ScenarioResult;
    const render = (f: () => string) => {
      const times: number[] = [];
      for (let i = 0; i < PAIRS; i++) {
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
}

/** natlab --help through what users run, next to today's npm script (fixed start-up cost). */
async function helpBenchmark(): Promise<void> {
  const runs = 7;
  const command = natlabCommand(['--help']);
  const pairs = await interleaved(
    runs,
    () => wallTime(command.argv),
    () => wallTime(npmScript('scenario', ['--help'])),
    (a, b) => b.seconds / a.seconds,
  );
  console.log(`\nstart-up, --help (interleaved, median of ${runs}):`);
  console.log(
    `  ${command.label.padEnd(34)} ${s(median(pairs.a.map((r) => r.seconds)))}  CPU ${s(median(pairs.a.map((r) => r.cpuSeconds)))}  (target < 0.25 s through the bin)`,
  );
  console.log(
    `  ${'npm run scenario -- --help'.padEnd(34)} ${s(median(pairs.b.map((r) => r.seconds)))}  CPU ${s(median(pairs.b.map((r) => r.cpuSeconds)))}  ${x(pairs.medianRatio)} the first`,
  );
}
