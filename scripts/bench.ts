// `npm run bench`: whole-command wall times of `npm run scenario` (median of 5), the ratio to their
// targets, and where the time goes (fixed start-up cost, then each pipeline step from --json); then
// topology build + teardown against plain ip -batch and Mininet, pcap decoding against tcpdump, and
// the cold and warm cost of a scenario on another kernel (--kernel debian-6.1).

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { FlowTable } from '../src/analyse/flow-table.ts';
import { FrameFields } from '../src/decode/frame-fields.ts';
import { forEachFrame } from '../src/decode/read-pcap.ts';
import { renderHtmlReport } from '../src/report/html-report.ts';
import type { ScenarioResult } from '../src/report/scenario-result.ts';
import { glyphsFor, renderTerminalReport } from '../src/report/terminal-report.ts';
import { mininetBackendBuild, mininetBuild, natlabBuild, rawIpBatch } from './bench-build.ts';
import { writeBigPcap } from './bench-decode.ts';
import { kernelBenchmark } from './bench-kernel.ts';

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

// Sections to run: `npm run bench -- build decode`; all of them by default.
const SECTIONS = ['scenarios', 'build', 'decode', 'kernel'] as const;
const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !(SECTIONS as readonly string[]).includes(a));
if (unknown.length > 0) {
  console.error(`unknown section(s) ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const wanted = (section: (typeof SECTIONS)[number]) =>
  asked.length === 0 || asked.includes(section);

const out = await mkdtemp(join(tmpdir(), 'natlab-bench-'));
try {
  if (wanted('scenarios')) await scenarioBenchmark(out);
  if (wanted('build')) await buildBenchmark();
  if (wanted('decode')) await decodeBenchmark(join(out, 'big.pcap'));
  if (wanted('kernel')) await kernelBenchmark(ROOT, out);
} finally {
  await rm(out, { recursive: true, force: true });
}

/** Build + teardown of one switch with N hosts: natlab, plain ip -batch, Mininet. */
async function buildBenchmark(): Promise<void> {
  const haveMininet = await execa('mn', ['--version'], { reject: false }).then(
    (r) => r.exitCode === 0,
  );
  console.log(
    '\ntopology build + teardown, one switch with N hosts (median of 3; 500 hosts: one run):',
  );
  console.log(
    'hosts  natlab netns  raw ip -batch  natlab mininet  plain mn   netns/raw  mn/netns  mn/natlab-mininet',
  );
  const s = (t: number) => (Number.isNaN(t) ? '-' : `${t.toFixed(2)} s`);
  const x = (t: number) => (Number.isNaN(t) ? '-' : `${t.toFixed(2)}×`);
  for (const hosts of [20, 100, 500]) {
    const runs = hosts >= 500 ? 1 : 3;
    const timed = async (f: (i: number) => Promise<number>) => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(await f(i));
      return median(times);
    };
    const netns = await timed((i) => natlabBuild(hosts, `bn${hosts}${i}`));
    const raw = await timed((i) => rawIpBatch(hosts, `br${hosts}${i}`));
    const backend = haveMininet
      ? await timed((i) => mininetBackendBuild(hosts, `bm${hosts}${i}`))
      : Number.NaN;
    const mn = haveMininet ? await timed(() => mininetBuild(hosts)) : Number.NaN;
    console.log(
      [
        String(hosts).padStart(5),
        s(netns).padStart(12),
        s(raw).padStart(14),
        s(backend).padStart(15),
        s(mn).padStart(9),
        x(netns / raw).padStart(11),
        x(mn / netns).padStart(9),
        x(mn / backend).padStart(18),
      ].join(' '),
    );
  }
  if (!haveMininet)
    console.log('  Mininet is not installed: scripts/setup.sh --bench-tools installs it');
}

/** Decode + flow analysis of a 500k-frame pcap, against tcpdump -nr on the same file. */
async function decodeBenchmark(file: string): Promise<void> {
  const frames = 500_000;
  const bytes = await writeBigPcap(file, frames);
  const wall = async (argv: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await execa(argv[0] ?? '', argv.slice(1), {
        cwd: ROOT,
        stdout: 'ignore',
        stderr: 'ignore',
        timeout: 120_000,
      });
      times.push((performance.now() - t0) / 1000);
    }
    return median(times);
  };
  const tcpdump = await wall(['tcpdump', '-nr', file]);
  const cli = (flag: string) =>
    wall([
      process.execPath,
      '--import',
      'tsx',
      'src/cli/decode-command.ts',
      ...(flag ? [flag] : []),
      file,
    ]);
  const flowsCommand = await cli('--flows');
  const decodeCommand = await cli('');
  const inProcess: number[] = [];
  let flowCount = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const flows = new FlowTable();
    const fields = new FrameFields();
    await forEachFrame(file, (b, start, end, meta) =>
      flows.add(fields.parse(b, start, end), meta.length),
    );
    flowCount = flows.sorted().length;
    inProcess.push((performance.now() - t0) / 1000);
  }
  const ratio = (t: number) => `${(tcpdump / t).toFixed(2)}× tcpdump's speed`;
  console.log(
    `\ndecode of ${frames} frames (${(bytes / 1e6).toFixed(0)} MB, real frames from the test fixtures), median of ${RUNS}:`,
  );
  console.log(
    `  tcpdump -nr FILE (decodes, prints every frame)            ${tcpdump.toFixed(2)} s`,
  );
  console.log(
    `  natlab --flows FILE (decode + flow table, whole command)  ${flowsCommand.toFixed(2)} s  ${ratio(flowsCommand)}`,
  );
  console.log(
    `  the same inside a running natlab (no start-up)            ${median(inProcess).toFixed(2)} s  ${ratio(median(inProcess))}, ${flowCount} flows`,
  );
  console.log(
    `  natlab --decode FILE (a Packet and a line per frame)      ${decodeCommand.toFixed(2)} s  ${ratio(decodeCommand)}`,
  );
}

/** Whole `npm run scenario` commands against their targets, where the time goes, and the analysis cost. */
async function scenarioBenchmark(out: string): Promise<void> {
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
}
