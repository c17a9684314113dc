// `natlab audit CONFIG`: every forward of the config in its own lab, all vantage points probed, the
// labs run --jobs at once with run-many's isolation and teardown. A hairpin that fails gets the
// LAN-side remedy in the config's language, applied to a copy and rerun: proven only if it passes.

import { writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Finding } from '../analyse/finding.ts';
import type { ScenarioResult, Verdict } from '../report/scenario-result.ts';
import { loadCandidates, withCandidate } from '../run/run-candidates.ts';
import { runMany, worstVerdict } from '../run/run-many.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import { readInputFile } from '../system/read-input-file.ts';
import { type AuditLab, auditLab, VANTAGES, type Vantage } from './audit-lab.ts';
import { findForwards } from './find-forwards.ts';
import type { ForwardScan, PortForward, UntestableForward } from './forward.ts';
import { hairpinRemedy } from './remedy.ts';

export interface AuditCell {
  vantage: Vantage;
  ok: boolean;
  /** The client's error when it did not connect. */
  error?: string;
  findings: Finding[];
  /** The remedy's rule, only when the rerun with it passed this cell. */
  fixedBy?: string;
}

export interface ForwardAudit {
  /** "forward-N", the name of its lab and output directory. */
  name: string;
  forward: PortForward;
  lab: Pick<AuditLab, 'publicIp' | 'publicIpChosen' | 'lanCidr'>;
  verdict: Verdict;
  /** Why, when the lab did not run to a verdict (error, skip). */
  reason?: string;
  cells: AuditCell[];
  /** The suggested rule, and whether rerunning the lab with it passed every cell it failed. */
  remedy?: { rule: string; proven: boolean; config: string; file: string };
  result: ScenarioResult;
}

export interface AuditReport {
  file: string;
  format: ForwardScan['format'];
  verdict: Verdict;
  forwards: ForwardAudit[];
  untested: UntestableForward[];
  durationMs: number;
}

export interface AuditOptions {
  file: string;
  jobs: number;
  outDir: string;
  ifaceMap: Record<string, string>;
  publicIp?: string;
  signal?: AbortSignal;
  onResult?: (result: ScenarioResult) => void;
}

const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  const started = performance.now();
  const { file } = options;
  const text = (
    await readInputFile(file, { what: 'config', maxBytes: MAX_CONFIG_BYTES, stage: 'candidates' })
  ).toString('utf8');
  const scan = findForwards(text);
  const untested = [...scan.untestable];
  const planned: { name: string; forward: PortForward; lab: AuditLab; scenario: LoadedScenario }[] =
    [];
  for (const forward of scan.forwards) {
    const lab = auditLab({ format: scan.format, forward, roles: scan.roles, ...options });
    if (typeof lab === 'string') {
      untested.push({
        line: forward.line,
        rule: text.split('\n')[forward.line - 1]?.trim() ?? '',
        reason: lab,
      });
      continue;
    }
    const name = `forward-${planned.length + 1}`;
    const bare: LoadedScenario = { name, file, def: lab.def };
    planned.push({ name, forward, lab, scenario: await withConfig(bare, file) });
  }
  const first = await runLabs(
    planned.map((p) => p.scenario),
    options,
  );
  const audits: ForwardAudit[] = planned.map((p, i) => {
    const result = first.results[i] as ScenarioResult;
    const { publicIp, publicIpChosen, lanCidr } = p.lab;
    return {
      name: p.name,
      forward: p.forward,
      lab: { publicIp, publicIpChosen, lanCidr },
      verdict: result.verdict,
      ...(result.reason ? { reason: result.reason } : {}),
      cells: cellsOf(result),
      result,
    };
  });
  await proveRemedies({ audits, planned, scan, text, options });
  const verdicts = audits.map((a) => a.verdict);
  if (untested.length > 0) verdicts.push('skip');
  return {
    file,
    format: scan.format,
    verdict: worstVerdict(verdicts),
    forwards: audits,
    untested,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The lab with the config (or its remedied copy) as its router's rules, translated for it. */
/** The labs, `jobs` at once, with run-many's isolation and cleanup. */
function runLabs(
  scenarios: LoadedScenario[],
  { jobs, outDir, signal, onResult }: AuditOptions,
): ReturnType<typeof runMany> {
  return runMany({ scenarios, jobs, outDir, signal, onResult });
}

async function withConfig(scenario: LoadedScenario, file: string): Promise<LoadedScenario> {
  return (await loadCandidates(scenario, [file], {})).reduce(withCandidate, scenario);
}

function cellsOf(result: ScenarioResult): AuditCell[] {
  return VANTAGES.flatMap(({ id }) => {
    const probe = result.probes.find((p) => p.name === id);
    if (!probe) return [];
    return [
      {
        vantage: id,
        ok: probe.ok,
        ...(probe.error ? { error: probe.error } : {}),
        findings: result.diagnosis.filter((f) => f.probe === id),
      },
    ];
  });
}

/** Reruns each forward whose internet cell works but an inside one fails, with the remedy. */
async function proveRemedies({
  audits,
  planned,
  scan,
  text,
  options,
}: {
  audits: ForwardAudit[];
  planned: { name: string; forward: PortForward; lab: AuditLab; scenario: LoadedScenario }[];
  scan: ForwardScan;
  text: string;
  options: AuditOptions;
}): Promise<void> {
  const reruns: { audit: ForwardAudit; scenario: LoadedScenario }[] = [];
  for (const [i, audit] of audits.entries()) {
    const p = planned[i];
    const internet = audit.cells.find((c) => c.vantage === 'internet');
    if (!p || !internet?.ok || audit.cells.every((c) => c.ok)) continue;
    const remedy = hairpinRemedy({
      format: scan.format,
      config: text,
      forward: audit.forward,
      lab: p.lab,
    });
    if (!remedy) continue;
    const fixedFile = join(options.outDir, `${audit.name}-fixed${extname(options.file)}`);
    audit.remedy = { ...remedy, proven: false, file: fixedFile };
    await writeFile(fixedFile, remedy.config);
    const bare: LoadedScenario = { ...p.scenario, name: `${audit.name}-fixed` };
    reruns.push({ audit, scenario: await withConfig(bare, fixedFile) });
  }
  if (reruns.length === 0) return;
  const second = await runLabs(
    reruns.map((r) => r.scenario),
    options,
  );
  reruns.forEach(({ audit }, i) => {
    const after = cellsOf(second.results[i] as ScenarioResult);
    const remedy = audit.remedy as NonNullable<ForwardAudit['remedy']>;
    for (const cell of audit.cells) {
      if (!cell.ok && after.find((c) => c.vantage === cell.vantage)?.ok) cell.fixedBy = remedy.rule;
    }
    remedy.proven = audit.cells.every((c) => c.ok || c.fixedBy);
  });
}
