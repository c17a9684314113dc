// Where fetched kernels and the KVM probe's answer are kept between runs (never /boot).

import { homedir } from 'node:os';
import { join } from 'node:path';

/** $NATLAB_CACHE, else $XDG_CACHE_HOME/natlab, else ~/.cache/natlab. */
export function cacheDir(): string {
  if (process.env.NATLAB_CACHE) return process.env.NATLAB_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'natlab');
}
