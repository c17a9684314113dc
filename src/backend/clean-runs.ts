// Removes what the manifests of dead runs list, and nothing else.

import { isOwnerAlive, readManifests, removeManifest } from '../system/run-ledger.ts';
import { deleteNamespaces } from './netns/build-netns.ts';
import { listNamespacesWithPrefix } from './netns/namespace-processes.ts';

export interface CleanedRun {
  runId: string;
  scenario: string;
  namespaces: string[];
}

export async function cleanDeadRuns({
  includeKept,
}: {
  includeKept: boolean;
}): Promise<CleanedRun[]> {
  const cleaned: CleanedRun[] = [];
  for (const manifest of await readManifests()) {
    if (await isOwnerAlive(manifest)) continue;
    if (manifest.kept && !includeKept) continue;
    // The manifest may predate some namespaces of a crashed run; their names carry the run id.
    const byPrefix = await listNamespacesWithPrefix(`nl-${manifest.runId}-`);
    const namespaces = [...new Set([...manifest.namespaces, ...byPrefix])];
    await deleteNamespaces(namespaces);
    await removeManifest(manifest.runId);
    cleaned.push({ runId: manifest.runId, scenario: manifest.scenario, namespaces });
  }
  return cleaned;
}
