// `natlab doctor [--json]`: which kernel and userland features this machine has, each tried.

import {
  ensureSbinOnPath,
  hasLabCapabilities,
  NEEDS_ROOT_MESSAGE,
} from '../preflight/check-environment.ts';
import { kernelRelease, probeCapabilities } from '../preflight/probe-capabilities.ts';
import { renderCapabilityTable } from '../report/capability-table.ts';
import { doctorJson } from '../report/doctor-json.ts';
import { jsonDocument } from '../report/json-document.ts';
import { glyphsFor } from '../report/terminal-report.ts';
import { newRunId } from '../run/run-scenario.ts';
import { CAPABILITIES } from '../scenario/define-scenario.ts';
import { EXIT, type Io } from './exit.ts';

export async function doctorCommand({ json, io }: { json: boolean; io: Io }): Promise<number> {
  if (!(await hasLabCapabilities())) {
    io.stderr.write(`natlab: ${NEEDS_ROOT_MESSAGE}\n`);
    return EXIT.error;
  }
  ensureSbinOnPath();
  const results = await probeCapabilities(CAPABILITIES, { runId: newRunId() });
  const kernel = kernelRelease();
  if (json) io.stdout.write(jsonDocument(doctorJson(kernel, results)));
  else io.stdout.write(renderCapabilityTable(kernel, results, glyphsFor(io.stdout.isTTY === true)));
  return EXIT.pass;
}
