// The steps as a run-time schema, made from the probe, ruleset and sysctl schemas the scenario's own
// schema uses (validate-schema.ts), whose compile-time assertion holds it equal to steps.ts.

import { z } from 'zod';

const text = z.string().max(4096);

/** Safe in an id, a file name or a JUnit class name. */
const STEP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

interface StepParts {
  probe: z.ZodType;
  ruleset: z.ZodType;
  sysctls: z.ZodType;
}

/** Spread into the scenario's schema. */
export function stepKeys<P extends StepParts>({ probe, ruleset, sysctls }: P) {
  const rulesetChange = z.union([
    z.strictObject({ replace: z.array(ruleset as P['ruleset']) }),
    z.strictObject({ add: z.array(ruleset as P['ruleset']) }),
    z.strictObject({ flush: z.literal(true) }),
  ]);
  const step = z.strictObject({
    name: z
      .string()
      .regex(
        STEP_NAME,
        'a step name is 1-64 letters, digits, "_", "-" or ".", from a letter or digit',
      ),
    rulesets: z.record(text, rulesetChange).optional(),
    sysctls: z.record(text, sysctls as P['sysctls']).optional(),
    interfaces: z
      .record(
        text,
        z.strictObject({
          up: z.boolean().optional(),
          mtu: z.int().min(68).max(65535).optional(),
          hairpin: z.boolean().optional(),
        }),
      )
      .optional(),
    reset: z
      .strictObject({ conntrack: z.array(text).optional(), counters: z.array(text).optional() })
      .optional(),
    probes: z.array(probe as P['probe']).optional(),
  });
  return { steps: z.array(step).max(100).optional() };
}
