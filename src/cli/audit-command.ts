// `natlab audit CONFIG`: its own few options (parseArgs, unknown ones refused), the audit run, the
// matrix or --json on stdout, --junit to a file, and the exit code of the worst cell.

import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { auditJson, auditJunitSuites, renderAuditText } from '../audit/audit-report.ts';
import { parseIfaceMap } from '../candidates/load-candidate.ts';
import { NatlabError } from '../errors.ts';
import { jsonDocument } from '../report/json-document.ts';
import { renderJunitSuites } from '../report/junit-report.ts';
import { checkJobs } from '../run/jobs.ts';
import { checkOutputFile, makeRunDir, prepareOutDir } from '../run/output-dir.ts';
import { EXIT, type Io, reportError } from './exit.ts';
import { listenForInterrupts } from './interrupts.ts';

const AUDIT_USAGE = `usage: natlab audit CONFIG [--jobs N] [--json] [--junit FILE] [--out DIR]
                    [--iface-map NAME=wan0,NAME=lan0] [--public-ip ADDRESS]

Tests every port forward of a router config (iptables-restore, iptables command lines, nft,
RouterOS export, OpenWrt /etc/config/firewall) on the real kernel, the config loaded unchanged,
from the internet, from a LAN client (hairpin) and from the server itself. A failing hairpin gets
the missing rule in the config's own language, proven by a rerun with it.

  --jobs N          labs at once (default 1)
  --json            the audit as one JSON document on stdout
  --junit FILE      a JUnit suite per forward, a testcase per vantage point
  --out DIR         captures and reports (default: a new directory under the temp dir)
  --iface-map M     the config's interface names onto the lab's router: wan0, lan0
  --public-ip A     the public address, where the config matches an interface only
`;

const OPTIONS = {
  jobs: { type: 'string' },
  json: { type: 'boolean' },
  junit: { type: 'string' },
  out: { type: 'string' },
  'iface-map': { type: 'string' },
  'public-ip': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function auditCommand(argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`natlab audit: ${(error as Error).message}\n\n${AUDIT_USAGE}`);
    return EXIT.error;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(AUDIT_USAGE);
    return EXIT.pass;
  }
  const json = values.json === true;
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const interrupts = listenForInterrupts(io.stderr);
  try {
    if (positionals.length !== 1) {
      throw new NatlabError('audit takes one config file', { code: 'BAD_INPUT', stage: 'cli' });
    }
    const publicIp = values['public-ip'];
    if (publicIp !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(publicIp)) {
      throw new NatlabError(`--public-ip must be an IPv4 address, not "${publicIp}"`, {
        code: 'BAD_INPUT',
        stage: 'cli',
      });
    }
    const jobs = checkJobs(values.jobs ?? '1');
    const ifaceMap = parseIfaceMap(values['iface-map']);
    const junit = values.junit ? await checkOutputFile(values.junit, cwd, '--junit') : undefined;
    const outDir = values.out ? await prepareOutDir(values.out, cwd) : await makeRunDir('audit');
    await mkdir(outDir, { recursive: true });
    const { runAudit } = await import('../audit/run-audit.ts');
    const file = positionals[0] as string;
    const report = await runAudit({
      file: file.startsWith('/') ? file : `${cwd}/${file}`,
      jobs,
      outDir,
      ifaceMap,
      ...(publicIp ? { publicIp } : {}),
      signal: interrupts.signal,
      onResult: json ? undefined : (r) => io.stderr.write(`  ${r.scenario}: ${r.verdict}\n`),
    });
    io.stdout.write(json ? jsonDocument(auditJson(report)) : renderAuditText(report));
    if (junit) await writeFile(junit, renderJunitSuites(auditJunitSuites(report)));
    return EXIT[report.verdict];
  } catch (error) {
    if (interrupts.signal.aborted) {
      io.stderr.write('natlab: interrupted; everything this run created was removed\n');
      return EXIT.interrupted;
    }
    return reportError(error, { io, scenario: 'audit', json });
  } finally {
    interrupts.dispose();
  }
}
