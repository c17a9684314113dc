// Removes what the manifests of dead runs list, and nothing else. Safe beside live and starting runs
// (their manifests are complete and their owners alive) and beside other cleans (each dead run is
// claimed by one cleaner).

import { claimRun, isOwnerAlive, readLedger, recoverAbandoned } from '../system/run-ledger.ts';
import { deleteNamespaces } from './netns/build-netns.ts';
import { listNamespacesWithPrefix } from './netns/namespace-processes.ts';

export interface CleanedRun {
  runId: string;
  scenario: string;
  namespaces: string[];
}

export interface CleanReport {
  cleaned: CleanedRun[];
  /** Ledger entries left alone because their manifest cannot be trusted, with the reason. */
  refused: { runId: string; problem: string }[];
}

export async function cleanDeadRuns({
  includeKept,
}: {
  includeKept: boolean;
}): Promise<CleanReport> {
  await recoverAbandoned();
  const report: CleanReport = { cleaned: [], refused: [] };
  for (const entry of await readLedger()) {
    if (entry.kind === 'invalid') {
      report.refused.push({ runId: entry.runId, problem: entry.problem });
      continue;
    }
    const { manifest } = entry;
    if (await isOwnerAlive(manifest)) continue;
    if (manifest.kept && !includeKept) continue;
    const release = await claimRun(manifest.runId);
    if (!release) continue;
    // The manifest may predate some namespaces of a crashed run; their names carry the run id.
    const byPrefix = await listNamespacesWithPrefix(`nl-${manifest.runId}-`);
    const namespaces = [...new Set([...manifest.namespaces, ...byPrefix])];
    await deleteNamespaces(namespaces);
    await release();
    report.cleaned.push({ runId: manifest.runId, scenario: manifest.scenario, namespaces });
  }
  return report;
}
