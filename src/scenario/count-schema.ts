// A count expectation's schema (exactly, or atLeast and/or atMost), shared by flows and counters.

import { z } from 'zod';
import type { CountExpectation } from './define-scenario.ts';

export const countDef = (most: number) =>
  z
    .strictObject({
      exactly: z.int().min(0).max(most).optional(),
      atLeast: z.int().min(0).max(most).optional(),
      atMost: z.int().min(0).max(most).optional(),
    })
    .superRefine((range, context) => {
      const problem = rangeProblem(range);
      if (problem) context.addIssue({ code: 'custom', message: problem, path: [] });
    });

function rangeProblem({ exactly, atLeast, atMost }: CountExpectation): string | undefined {
  if (exactly === undefined && atLeast === undefined && atMost === undefined)
    return 'give exactly, atLeast or atMost';
  if (exactly !== undefined && (atLeast !== undefined || atMost !== undefined))
    return 'exactly cannot go with atLeast or atMost';
  if (atLeast !== undefined && atMost !== undefined && atLeast > atMost)
    return `atLeast ${atLeast} is more than atMost ${atMost}`;
  return undefined;
}
