// How many scenarios may run at once (--jobs): a module of its own, so the CLI checks the option
// without loading the pipeline.

import { NatlabError } from '../errors.ts';

export const MAX_JOBS = 32;

export function checkJobs(value: number | string): number {
  const jobs = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof jobs !== 'number' || !Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS) {
    throw new NatlabError(`--jobs must be a whole number from 1 to ${MAX_JOBS}, not "${value}"`, {
      code: 'BAD_INPUT',
      stage: 'cli',
    });
  }
  return jobs;
}
