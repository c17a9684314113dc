// The scenario model as a run-time schema: the same shapes as the documented interfaces in
// define-scenario.ts, which the assertions at the end hold equal at compile time.

import { z } from 'zod';
import { countDef } from './count-schema.ts';
import {
  CAPABILITIES,
  type CountExpectation,
  DIAGNOSIS_RULES,
  type FlowExpectationDef,
  ICMP_TYPES,
  type IcmpTypeName,
  type NodeDef,
  type ProbeDef,
  RULESET_FORMATS,
  type ScenarioDef,
} from './define-scenario.ts';
import { kernelExpectationKeys } from './kernel-expectations-schema.ts';
import type { StepDef } from './steps.ts';
import { stepKeys } from './steps-schema.ts';
import { sysctlProblem } from './validate-sysctls.ts';

/** Names, references, addresses: one line, and short. Their format is checked by the plan. */
const text = z.string().max(4096);
/** Ruleset text, within the same limit as a ruleset file. */
const longText = z.string().max(4 * 1024 * 1024);
const port = z.int().min(1).max(65535);
/** A match port: 0 is a port a packet can carry. */
const matchPort = z.int().min(0).max(65535);
const mac = z
  .string()
  .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i, 'a MAC address, "aa:bb:cc:dd:ee:ff"');
/** Up to two minutes: a probe that waits longer tests nothing a lab can show. */
const timeoutMs = z.int().min(1).max(120_000);
const nameTable = z.record(text, z.union([text, z.array(text)]));

const interfaceDef = z.strictObject({
  addresses: z.array(text).optional(),
  bridge: z.array(text).optional(),
  nfCallIptables: z.boolean().optional(),
  hairpin: z.boolean().optional(),
  /** IPv4's minimum (RFC 791) to the largest a Linux device takes; IPv6's 1280 is checked by the plan. */
  mtu: z.int().min(68).max(65535).optional(),
  kind: z.enum(['vlan', 'macvlan']).optional(),
  parent: text.optional(),
  /** 0 and 4095 are reserved by 802.1Q. */
  id: z.int().min(1).max(4094).optional(),
  mode: z.enum(['bridge', 'private', 'passthru']).optional(),
});

const routeDef = z.strictObject({ to: text, via: text });

const rulesetDef = z.strictObject({
  format: z.enum(RULESET_FORMATS),
  text: longText,
  networks: z.record(text, text).optional(),
  filter: z.boolean().optional(),
});

const serviceDef = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('http'), port }),
  z.strictObject({ kind: z.literal('dns'), records: nameTable }),
  z.strictObject({ kind: z.literal('udp'), port }),
  z.strictObject({ kind: z.literal('tcp'), port }),
]);

const sysctls = z.record(text, text).superRefine((settings, context) => {
  for (const [key, value] of Object.entries(settings)) {
    const problem = sysctlProblem(key, value);
    if (problem) context.addIssue({ code: 'custom', message: problem, path: [key] });
  }
});

const nodeDef = z.strictObject({
  kind: z.enum(['host', 'router', 'switch']),
  interfaces: z.record(text, interfaceDef).optional(),
  routes: z.array(routeDef).optional(),
  neighbors: z.record(text, text).optional(),
  ipv6: z.boolean().optional(),
  hosts: nameTable.optional(),
  nameserver: text.optional(),
  sysctls: sysctls.optional(),
  rulesets: z.array(rulesetDef).optional(),
  services: z.array(serviceDef).optional(),
});

const probeCommon = {
  name: text,
  from: text,
  expect: z.enum(['connects', 'fails', 'either']),
  connectTimeoutMs: timeoutMs.optional(),
};

/** A UDP or TCP probe: the same fields under either kind, and a kind's own. */
const portProbe = <K extends 'udp' | 'tcp', E extends z.ZodRawShape>(kind: K, own: E) =>
  z.strictObject({
    ...probeCommon,
    kind: z.literal(kind),
    to: text,
    port,
    serverSees: text.optional(),
    ...own,
  });

const probeDef = z.union([
  z.strictObject({ ...probeCommon, url: text, serverSees: text.optional() }),
  z.strictObject({
    ...probeCommon,
    ping: text,
    broadcast: z.boolean().optional(),
    /** The largest ICMP payload an IPv4 packet can carry. */
    size: z.int().min(0).max(65507).optional(),
    dontFragment: z.boolean().optional(),
    count: z.int().min(1).max(100).optional(),
    /** Below 200 ms ping needs root's flood rights; above 10 s a probe tests nothing more. */
    intervalMs: z.int().min(200).max(10_000).optional(),
  }),
  portProbe('udp', { sourcePort: port.optional() }),
  portProbe('tcp', {}),
]);

const packetMatch = z.strictObject({
  proto: z.enum(['tcp', 'udp', 'icmp', 'arp']).optional(),
  src: text.optional(),
  dst: text.optional(),
  sport: matchPort.optional(),
  dport: matchPort.optional(),
  tcp: z
    .strictObject({
      syn: z.boolean().optional(),
      ack: z.boolean().optional(),
      fin: z.boolean().optional(),
      rst: z.boolean().optional(),
      psh: z.boolean().optional(),
    })
    .optional(),
  icmp: z
    .strictObject({
      type: z
        .union([
          z.int().min(0).max(255),
          z.enum(Object.keys(ICMP_TYPES) as [IcmpTypeName, ...IcmpTypeName[]]),
        ])
        .optional(),
      code: z.int().min(0).max(255).optional(),
    })
    .optional(),
  srcMac: mac.optional(),
  dstMac: mac.optional(),
  ethertype: z.int().min(0).max(0xffff).optional(),
  vlan: z.int().min(0).max(4095).optional(),
  ipLength: z
    .int()
    .min(0)
    .max(0xffff + 40)
    .optional(),
  direction: z.enum(['in', 'out']).optional(),
});

/** Whether a range admits nothing but 0. */
const onlyZero = (range: CountExpectation) => (range.exactly ?? range.atMost) === 0;

const flowDef = z
  .strictObject({
    name: text.optional(),
    at: text,
    during: text.optional(),
    step: text.optional(),
    match: packetMatch,
    expect: z.enum(['seen', 'absent']).optional(),
    count: countDef(1_000_000_000).optional(),
    bytes: countDef(1_000_000_000_000).optional(),
  })
  .superRefine((flow, context) => {
    const counted = (['count', 'bytes'] as const).filter((key) => flow[key] !== undefined);
    const problem = (message: string) =>
      context.addIssue({ code: 'custom', message, path: ['expect'] });
    if (flow.expect === undefined && counted.length === 0) problem('give expect, count or bytes');
    if (flow.expect === 'absent' && counted.length > 0)
      problem(`'absent' contradicts ${counted.join(' and ')} (for none, count: { exactly: 0 })`);
    const zero = counted.find((key) => onlyZero(flow[key] ?? {}));
    if (flow.expect === 'seen' && zero) problem(`'seen' contradicts ${zero} allowing only 0`);
  });

export const scenarioSchema = z.strictObject({
  description: z.string().max(65_536),
  nat: z
    .strictObject({
      node: text,
      ifaceMap: z.record(text, text).optional(),
      interfaceLists: z.record(text, z.array(text)).optional(),
    })
    .optional(),
  needs: z.array(z.enum(CAPABILITIES)).optional(),
  diagnosis: z.partialRecord(z.enum(DIAGNOSIS_RULES), z.boolean()).optional(),
  stormGuard: z.strictObject({ maxPacketsPerSecond: z.int().min(1).max(100_000_000) }).optional(),
  nodes: z.record(text, nodeDef),
  links: z.array(z.strictObject({ a: text, b: text })),
  probes: z.array(probeDef).optional(),
  flows: z.array(flowDef).optional(),
  captures: z.array(text).optional(),
  ...kernelExpectationKeys,
  ...stepKeys({ probe: probeDef, ruleset: rulesetDef, sysctls }),
});

/** True only when A and B are the same type: neither may have a field the other lacks. */
type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

/** Compiles only while the schema infers exactly the documented interfaces: they cannot drift. */
export type SchemaMatchesInterfaces = [
  Assert<Same<z.infer<typeof nodeDef>, NodeDef>>,
  Assert<Same<z.infer<typeof probeDef>, ProbeDef>>,
  Assert<Same<z.infer<typeof flowDef>, FlowExpectationDef>>,
  Assert<Same<NonNullable<z.infer<typeof scenarioSchema>['steps']>[number], StepDef>>,
  Assert<Same<z.infer<typeof scenarioSchema>, ScenarioDef>>,
];
