// `npm run bench`: natlab's whole commands against what a user would otherwise run, each pair
// interleaved (A B A B …) in one run and judged by the median of the pairwise ratios: scenarios
// against bench/baseline-hairpin.sh, --help, what each way of capturing costs, topology build + teardown against plain ip -batch and
// Mininet, pcap decoding against tcpdump, and the cold and warm cost of --kernel debian-6.1.

import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { FlowTable } from '../src/analyse/flow-table.ts';
import { FrameFields } from '../src/decode/frame-fields.ts';
import { readPcapFile } from '../src/decode/read-captures.ts';
import { forEachFrame } from '../src/decode/read-pcap.ts';
import { mininetBackendBuild, mininetBuild, natlabBuild, rawIpBatch } from './bench-build.ts';
import { captureBenchmark } from './bench-capture.ts';
import { interleaved, median, natlabCommand, ROOT, s, x } from './bench-commands.ts';
import { writeBigPcap } from './bench-decode.ts';
import { kernelBenchmark } from './bench-kernel.ts';
import { scenarioBenchmark } from './bench-scenarios.ts';

const RUNS = 5;

// Sections to run: `npm run bench -- build decode`; all of them by default.
const SECTIONS = ['scenarios', 'capture', 'build', 'decode', 'kernel'] as const;
const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !(SECTIONS as readonly string[]).includes(a));
if (unknown.length > 0) {
  console.error(`unknown section(s) ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const wanted = (section: (typeof SECTIONS)[number]) =>
  asked.length === 0 || asked.includes(section);

// The commands under test run from dist/: built first, so no timed run pays for a build.
await execa('bash', ['scripts/build.sh', '--if-stale'], {
  cwd: ROOT,
  stdio: 'inherit',
  timeout: 600_000,
});
const out = await mkdtemp(join(tmpdir(), 'natlab-bench-'));
// The machine is shared: its load says how far these figures are from a quiet machine's.
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(`load average at start: ${load()} (${cpus().length} CPUs)\n`);
try {
  if (wanted('scenarios')) await scenarioBenchmark(out);
  if (wanted('capture')) await captureBenchmark(out);
  if (wanted('build')) await buildBenchmark();
  if (wanted('decode')) await decodeBenchmark(join(out, 'big.pcap'));
  if (wanted('kernel')) await kernelBenchmark(ROOT, out);
  console.log(`\nload average at the end: ${load()}`);
} finally {
  await rm(out, { recursive: true, force: true });
}

/**
 * Build + teardown of one switch with N hosts: natlab, plain ip -batch, natlab on Mininet, plain
 * Mininet, run in turn each round so that load falls on all alike; ratios per round, then the median.
 */
async function buildBenchmark(): Promise<void> {
  const haveMininet = await execa('mn', ['--version'], { reject: false }).then(
    (r) => r.exitCode === 0,
  );
  console.log(
    '\ntopology build + teardown, one switch with N hosts (interleaved rounds, medians; 3 rounds, 500 hosts: 1):',
  );
  console.log(
    'hosts  natlab netns  raw ip -batch  natlab mininet  plain mn   netns/raw  mn/netns  mn/natlab-mininet',
  );
  for (const hosts of [20, 100, 500]) {
    const rounds = hosts >= 500 ? 1 : 3;
    const t = {
      netns: [] as number[],
      raw: [] as number[],
      backend: [] as number[],
      mn: [] as number[],
    };
    const failures: string[] = [];
    // A build that fails (Mininet's readiness limit on a loaded machine) is a gap in the table.
    const attempt = (label: string, build: () => Promise<number>) =>
      build().catch((error: Error) => {
        failures.push(`${label}: ${error.message.split('\n')[0]}`);
        return Number.NaN;
      });
    for (let i = 0; i < rounds; i++) {
      t.netns.push(await attempt('natlab netns', () => natlabBuild(hosts, `bn${hosts}${i}`)));
      t.raw.push(await attempt('raw ip -batch', () => rawIpBatch(hosts, `br${hosts}${i}`)));
      if (!haveMininet) continue;
      t.backend.push(
        await attempt('natlab mininet', () => mininetBackendBuild(hosts, `bm${hosts}${i}`)),
      );
      t.mn.push(await attempt('plain mn', () => mininetBuild(hosts)));
    }
    const ratio = (top: number[], bottom: number[]) =>
      median(top.map((v, i) => v / (bottom[i] as number)));
    console.log(
      [
        String(hosts).padStart(5),
        s(median(t.netns)).padStart(12),
        s(median(t.raw)).padStart(14),
        s(median(t.backend)).padStart(15),
        s(median(t.mn)).padStart(9),
        x(ratio(t.netns, t.raw)).padStart(11),
        x(ratio(t.mn, t.netns)).padStart(9),
        x(ratio(t.mn, t.backend)).padStart(18),
      ].join(' '),
    );
    for (const failure of failures) console.log(`  ${hosts} hosts, ${failure}`);
  }
  if (!haveMininet)
    console.log('  Mininet is not installed: scripts/setup.sh --bench-tools installs it');
}

/** natlab decode --flows on a 500k-frame pcap as a whole command, interleaved with tcpdump -nr. */
async function decodeBenchmark(file: string): Promise<void> {
  const frames = 500_000;
  const bytes = await writeBigPcap(file, frames);
  const quiet = async (argv: string[]) => {
    const [cmd, ...args] = argv;
    const t0 = performance.now();
    await execa(cmd ?? '', args, {
      cwd: ROOT,
      stdout: 'ignore',
      stderr: 'ignore',
      timeout: 120_000,
    });
    return (performance.now() - t0) / 1000;
  };
  const tcpdump = () => quiet(['tcpdump', '-nr', file]);
  const flowsCommand = natlabCommand(['decode', '--flows', file]);
  const decodeCommand = natlabCommand(['decode', file]);
  const flows = await interleaved(
    RUNS,
    tcpdump,
    () => quiet(flowsCommand.argv),
    (a, b) => a / b,
  );
  const decode = await interleaved(
    RUNS,
    tcpdump,
    () => quiet(decodeCommand.argv),
    (a, b) => a / b,
  );
  const inProcess: number[] = [];
  let flowCount = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const table = new FlowTable();
    const fields = new FrameFields();
    forEachFrame(await readPcapFile(file), (b, start, end, meta) =>
      table.add(fields.parse(b, start, end), meta.length),
    );
    flowCount = table.sorted().length;
    inProcess.push((performance.now() - t0) / 1000);
  }
  const speed = (r: number) => `${x(r)} tcpdump's speed`;
  console.log(
    `\ndecode of ${frames} frames (${(bytes / 1e6).toFixed(0)} MB, real frames from the test fixtures), interleaved with tcpdump, medians of ${RUNS}:`,
  );
  console.log(`  tcpdump -nr FILE (decodes, prints every frame)          ${s(median(flows.a))}`);
  console.log(
    `  ${flowsCommand.label.replace(file, 'FILE').padEnd(38)} ${s(median(flows.b))}  ${speed(flows.medianRatio)} (target ≥ 2.5×)`,
  );
  console.log(
    `  the same inside a running natlab (no start-up)          ${s(median(inProcess))}  ${speed(median(flows.a) / median(inProcess))}, ${flowCount} flows`,
  );
  console.log(
    `  ${decodeCommand.label.replace(file, 'FILE').padEnd(38)} ${s(median(decode.b))}  ${speed(decode.medianRatio)} (a Packet and a line per frame)`,
  );
}
