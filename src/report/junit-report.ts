// `--junit FILE`: a testsuite per scenario (or per candidate ruleset), a testcase per check, for CI
// systems. A failure's body holds the check's detail, the diagnosis of its probe and the report's
// path; a skipped or failed-to-run scenario is one testcase that says so. Every testcase has a time.

import { escapeXml } from './escape-xml.ts';
import type { ScenarioResult } from './scenario-result.ts';

export type JunitResult = Pick<
  ScenarioResult,
  'scenario' | 'verdict' | 'reason' | 'checks' | 'durationMs'
> &
  Partial<Pick<ScenarioResult, 'diagnosis' | 'outDir'>>;

export interface JunitSuite {
  /** The testsuite's name: the scenario's, or "scenario [candidate]" for a candidate ruleset. */
  name: string;
  result: JunitResult;
}

interface Case {
  name: string;
  /** The step the check is scoped to: its own class, so CI groups a step's checks. */
  step?: string;
  ms: number;
  outcome?: { kind: 'failure' | 'skipped' | 'error'; message: string; body: string };
}

/** One scenario, one testsuite. */
export function renderJunit(result: JunitResult): string {
  return renderJunitSuites([{ name: result.scenario, result }]);
}

export function renderJunitSuites(suites: readonly JunitSuite[]): string {
  const rendered = suites.map(({ name, result }) => renderSuite(name, result));
  const total = (key: keyof Counts) => rendered.reduce((n, s) => n + s.counts[key], 0);
  const seconds = (suites.reduce((ms, s) => ms + s.result.durationMs, 0) / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="natlab" tests="${total('tests')}" failures="${total('failures')}" errors="${total('errors')}" skipped="${total('skipped')}" time="${seconds}">`,
    ...rendered.flatMap((s) => s.lines),
    '</testsuites>',
    '',
  ].join('\n');
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function renderSuite(name: string, result: JunitResult): { counts: Counts; lines: string[] } {
  const cases = casesOf(result);
  const count = (kind: string) => cases.filter((c) => c.outcome?.kind === kind).length;
  const counts = {
    tests: cases.length,
    failures: count('failure'),
    errors: count('error'),
    skipped: count('skipped'),
  };
  const suite = escapeXml(name);
  const body = cases.map(({ name: testName, step, ms, outcome }) => {
    const classname = `natlab.${suite}${step === undefined ? '' : `.${escapeXml(step)}`}`;
    const open = `    <testcase classname="${classname}" name="${escapeXml(testName)}" time="${seconds(ms)}"`;
    if (!outcome) return `${open}/>`;
    const { kind, message, body: text } = outcome;
    return `${open}>\n      <${kind} message="${escapeXml(message)}">${escapeXml(text)}</${kind}>\n    </testcase>`;
  });
  return {
    counts,
    lines: [
      `  <testsuite name="${suite}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(result.durationMs)}">`,
      ...body,
      '  </testsuite>',
    ],
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function casesOf(result: JunitResult): Case[] {
  const report = result.outDir ? `report: ${result.outDir}/report.html` : undefined;
  if (result.verdict === 'skip' || result.verdict === 'error') {
    const message = result.reason ?? '';
    const kind = result.verdict === 'skip' ? 'skipped' : 'error';
    const body = [message, report].filter(Boolean).join('\n\n');
    return [{ name: 'scenario', ms: result.durationMs, outcome: { kind, message, body } }];
  }
  return result.checks.map((check) => {
    const step = check.step === undefined ? {} : { step: check.step };
    if (check.ok) return { name: check.name, ...step, ms: check.ms ?? 0 };
    // The diagnosis of the check's own probe first; a check about the whole run gets all of it.
    const findings = (result.diagnosis ?? []).filter(
      (f) => check.probe === undefined || f.probe === undefined || f.probe === check.probe,
    );
    const diagnosis = findings.map((f) =>
      [`diagnosis (${f.rule}): ${f.summary}`, ...f.evidence.map((e) => `  ${e}`)].join('\n'),
    );
    const body = [`${check.name}: ${check.detail}`, ...diagnosis, report].filter(Boolean);
    return {
      name: check.name,
      ...step,
      ms: check.ms ?? 0,
      outcome: { kind: 'failure', message: check.detail, body: body.join('\n\n') },
    };
  });
}
