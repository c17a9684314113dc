// Stage 4b: start each node's services and wait until they listen.

import { fileURLToPath } from 'node:url';
import type { Topology } from '../backend/topology.ts';
import { settleAll } from '../system/settle-all.ts';
import type { RunningProcess } from '../system/start-process.ts';
import type { TeardownStack } from '../system/teardown-stack.ts';

const HTTP_SERVER = fileURLToPath(new URL('./http-echo-server.mjs', import.meta.url));

/** With `keep`, the services run on in the kept lab until `npm run clean`. */
export async function startServices(
  topology: Topology,
  { teardown, keep }: { teardown: TeardownStack; keep: boolean },
): Promise<void> {
  const starts = topology.plan.nodes.flatMap((node) =>
    node.services.map(async (service) => {
      const running: RunningProcess = await topology.start(
        node.name,
        [
          process.execPath,
          HTTP_SERVER,
          `--port=${service.port}`,
          `--node=${node.name}`,
          // Lets a test find leftovers of this run by command line.
          `--run=${topology.plan.runId}`,
        ],
        {
          action: `start http service on port ${service.port}`,
          stage: 'services',
          ready: { stream: 'stdout', pattern: /^ready on port/m },
          outlive: keep,
        },
      );
      if (keep) {
        running.release();
        return;
      }
      teardown.push(`stop http service on ${node.name}`, async () => {
        await running.stop();
      });
    }),
  );
  await settleAll(starts);
}
