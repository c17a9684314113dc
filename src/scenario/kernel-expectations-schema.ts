// The kernel-state expectations as a run-time schema; validate-schema.ts's compile-time assertion
// over the whole scenario holds it equal to kernel-expectations.ts.

import { z } from 'zod';
import { countDef } from './count-schema.ts';
import { CONNTRACK_STATUS } from './kernel-expectations.ts';

const text = z.string().max(4096);
const matchPort = z.int().min(0).max(65535);
const u32 = z.int().min(0).max(0xffff_ffff);

const tupleMatch = z.strictObject({
  src: text.optional(),
  dst: text.optional(),
  sport: matchPort.optional(),
  dport: matchPort.optional(),
});

const conntrackDef = z.strictObject({
  name: text.optional(),
  on: text,
  step: text.optional(),
  during: z.literal('run').optional(),
  match: z.strictObject({
    proto: z.enum(['tcp', 'udp', 'icmp', 'icmpv6', 'sctp']).optional(),
    state: text.optional(),
    status: z.array(z.enum(CONNTRACK_STATUS)).optional(),
    orig: tupleMatch.optional(),
    reply: tupleMatch.optional(),
    mark: u32.optional(),
    zone: z.int().min(0).max(65535).optional(),
    related: z.boolean().optional(),
  }),
  expect: z.enum(['seen', 'absent']),
});

const bounds = countDef(Number.MAX_SAFE_INTEGER);

const counterDef = z.strictObject({
  name: text.optional(),
  on: text,
  step: text.optional(),
  rule: z.strictObject({
    table: text.optional(),
    chain: text.optional(),
    handle: z.int().min(1).max(0xffff_ffff).optional(),
    position: z.int().min(1).max(1_000_000).optional(),
    comment: text.optional(),
  }),
  packets: bounds.optional(),
  bytes: bounds.optional(),
});

/** Spread into the scenario's schema. */
export const kernelExpectationKeys = {
  conntrack: z.array(conntrackDef).optional(),
  counters: z.array(counterDef).optional(),
  kernelHealth: z.boolean().optional(),
};
