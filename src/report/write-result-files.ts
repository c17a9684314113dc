// The files a run leaves behind: result.json (the --json document) and report.html in the run's
// output directory, and a JUnit file where asked. The CLI and the API both write through here.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtmlReport } from './html-report.ts';
import { renderJunit } from './junit-report.ts';
import type { ScenarioResult } from './scenario-result.ts';

export interface ResultFiles {
  /** Absent when not asked for, or when the run has no output directory (it failed before one). */
  resultJson?: string;
  reportHtml?: string;
  junit?: string;
}

export async function writeResultFiles(
  result: ScenarioResult,
  { reports = true, junit }: { reports?: boolean; junit?: string } = {},
): Promise<ResultFiles> {
  const files: ResultFiles = {};
  if (reports && result.outDir) {
    files.resultJson = join(result.outDir, 'result.json');
    files.reportHtml = join(result.outDir, 'report.html');
    await writeFile(files.resultJson, `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(files.reportHtml, renderHtmlReport(result));
  }
  if (junit) {
    await writeFile(junit, renderJunit(result));
    files.junit = junit;
  }
  return files;
}
