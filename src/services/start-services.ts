// Stage 4b: start each node's services (HTTP, UDP and TCP echo, dnsmasq) and wait until they serve.

import { fileURLToPath } from 'node:url';
import type { Topology } from '../backend/topology.ts';
import { addressList } from '../plan/plan-nodes.ts';
import type { DnsServiceDef, ServiceDef } from '../scenario/define-scenario.ts';
import { PYTHON } from '../system/python.ts';
import { settleAll } from '../system/settle-all.ts';
import type { StartProcessOptions } from '../system/start-process.ts';
import type { TeardownStack } from '../system/teardown-stack.ts';

const HTTP_SERVER = fileURLToPath(new URL('./http-echo-server.py', import.meta.url));
const PORT_SERVER = fileURLToPath(new URL('./port-echo-server.py', import.meta.url));

interface ServiceCommand {
  argv: string[];
  action: string;
  ready: StartProcessOptions['ready'];
}

export function serviceCommand(service: ServiceDef, node: string, runId: string): ServiceCommand {
  if (service.kind === 'dns') {
    return {
      argv: dnsmasqArgv(service),
      action: 'start dnsmasq',
      ready: { stream: 'stderr', pattern: /started, version/ },
    };
  }
  const script = service.kind === 'http' ? [HTTP_SERVER] : [PORT_SERVER, `--proto=${service.kind}`];
  return {
    argv: [
      PYTHON,
      // No site packages: nothing to import but the standard library (and echo_service.py beside
      // it, whose bytecode must not be written into natlab's own folder: -B).
      '-S',
      '-B',
      ...script,
      `--port=${service.port}`,
      `--node=${node}`,
      // Lets a test find leftovers of this run by command line.
      `--run=${runId}`,
    ],
    action: `start ${service.kind} service on port ${service.port}`,
    ready: { stream: 'stdout', pattern: /^ready on (udp |tcp )?port/m },
  };
}

/** dnsmasq answering only its records: no upstream, no host files, in the foreground, as root. */
export function dnsmasqArgv(service: DnsServiceDef): string[] {
  const names = Object.keys(service.records);
  return [
    'dnsmasq',
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--user=root',
    '--pid-file',
    '--log-facility=-',
    '--log-queries',
    // Local names get NODATA for a missing record type rather than REFUSED.
    ...names.map((name) => `--local=/${name}/`),
    ...names.flatMap((name) =>
      addressList(service.records[name] ?? []).map((a) => `--host-record=${name},${a}`),
    ),
  ];
}

/** With `keep`, the services run on in the kept lab until `npm run clean`. */
export async function startServices(
  topology: Topology,
  { teardown, keep }: { teardown: TeardownStack; keep: boolean },
): Promise<void> {
  const starts = topology.plan.nodes.flatMap((node) =>
    node.services.map(async (service) => {
      const command = serviceCommand(service, node.name, topology.plan.runId);
      const running = await topology.start(node.name, command.argv, {
        action: command.action,
        stage: 'services',
        ready: command.ready,
        outlive: keep,
      });
      if (keep) {
        running.release();
        return;
      }
      teardown.push(`${command.action.replace('start', 'stop')} on ${node.name}`, async () => {
        await running.stop();
      });
    }),
  );
  await settleAll(starts);
}
