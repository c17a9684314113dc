// `--junit FILE`: one testcase per check, for CI systems. A skipped or failed-to-run scenario is one
// testcase that says so.

import type { ScenarioResult } from './scenario-result.ts';

/** XML 1.0 allows tab, newline and carriage return, and no other control character. */
function allowedInXml(char: string): boolean {
  const code = char.charCodeAt(0);
  return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function xmlEscape(text: string): string {
  return [...text]
    .filter(allowedInXml)
    .join('')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

interface Case {
  name: string;
  outcome?: { kind: 'failure' | 'skipped' | 'error'; message: string };
}

export function renderJunit(
  result: Pick<ScenarioResult, 'scenario' | 'verdict' | 'reason' | 'checks' | 'durationMs'>,
): string {
  const cases: Case[] =
    result.verdict === 'skip' || result.verdict === 'error'
      ? [
          {
            name: 'scenario',
            outcome: {
              kind: result.verdict === 'skip' ? 'skipped' : 'error',
              message: result.reason ?? '',
            },
          },
        ]
      : result.checks.map((c) => ({
          name: c.name,
          outcome: c.ok ? undefined : { kind: 'failure', message: c.detail },
        }));
  const count = (kind: string) => cases.filter((c) => c.outcome?.kind === kind).length;
  const seconds = (result.durationMs / 1000).toFixed(3);
  const suite = xmlEscape(result.scenario);
  const body = cases.map(({ name, outcome }) => {
    const open = `    <testcase classname="natlab.${suite}" name="${xmlEscape(name)}"`;
    if (!outcome) return `${open}/>`;
    const message = xmlEscape(outcome.message);
    return `${open}>\n      <${outcome.kind} message="${message}">${message}</${outcome.kind}>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="natlab" tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${seconds}">`,
    `  <testsuite name="${suite}" tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${seconds}">`,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
