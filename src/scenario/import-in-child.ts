// Imports scenario files in a child node process, a deadline per file: a file that loops, awaits
// forever or ends its process while loading is an error naming it, and an interrupt kills the child.

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NatlabError } from '../errors.ts';
import {
  importableFiles,
  isCompiledCatalogFile,
  needsTypeScriptLoader,
} from './precompiled-catalog.ts';
import { type ChildMessage, loadAsData } from './scenario-data.ts';

export type ImportOutcome =
  | { file: string; ok: true; value: unknown }
  | { file: string; ok: false; error: string };

export interface ImportInChildOptions {
  /** How long one file may take to load, the child's start-up included. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The child's resident memory bound (a file that reads /dev/zero grows without end). */
  maxRssBytes?: number;
}

const MAX_RSS_BYTES = 2 * 1024 ** 3;
const RSS_CHECK_MS = 200;

// tsx from natlab's own dependencies, never from the user's directory; the child script beside this
// module, as .ts from the sources or .js once compiled.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CHILD = fileURLToPath(
  new URL(`./scenario-child${extname(import.meta.url)}`, import.meta.url),
);
const KEPT_OUTPUT = 4096;

/** One outcome per file, in order. Throws only when interrupted. */
export async function importInChild(
  files: readonly string[],
  options: ImportInChildOptions,
): Promise<ImportOutcome[]> {
  const importable = await importableFiles(files);
  const outcomes: ImportOutcome[] = [];
  // natlab's own compiled catalog is natlab's code, like the modules loading it: it needs no
  // deadline, so it skips the child (a node start-up, the longest wait before a catalog run).
  if (importable.every((file) => isCompiledCatalogFile(file))) {
    for (const file of importable) outcomes.push(toOutcome(await loadAsData(file)));
  }
  // A child that died takes only the file it was loading with it: the rest go to a new child.
  while (outcomes.length < files.length) {
    outcomes.push(...(await runChild(importable.slice(outcomes.length), options)));
  }
  // Named as the user named them, whichever twin was imported.
  return outcomes.map((outcome, i) => ({ ...outcome, file: files[i] ?? outcome.file }));
}

async function runChild(
  files: readonly string[],
  { timeoutMs, signal, maxRssBytes = MAX_RSS_BYTES }: ImportInChildOptions,
): Promise<ImportOutcome[]> {
  const loader = needsTypeScriptLoader([CHILD, ...files]) ? ['--import', TSX] : [];
  // node:child_process, not execa: this child starts first thing in a run, before execa is loaded,
  // so the run's own modules load while it works on the other core.
  const child = spawn(process.execPath, [...loader, CHILD, ...files], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('error', () => done({ code: null, signal: null }));
    child.once('close', (code, signal) => done({ code, signal }));
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-KEPT_OUTPUT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const kill = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', kill, { once: true });
  if (signal?.aborted) kill();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
  };
  let overMemory = false;
  const watch = setInterval(async () => {
    if ((await residentBytes(child.pid)) <= maxRssBytes) return;
    overMemory = true;
    kill();
  }, RSS_CHECK_MS);
  const outcomes: ImportOutcome[] = [];
  const allLoaded = new Promise<void>((done) => {
    child.on('message', (raw) => {
      outcomes.push(toOutcome(JSON.parse(String(raw)) as ChildMessage));
      // Done: whatever the files left running (timers, sockets) dies with the child.
      if (outcomes.length === files.length) done();
      else arm();
    });
  });
  arm();
  try {
    const result = await Promise.race([allLoaded.then(() => undefined), ended]);
    if (result === undefined) return outcomes;
    if (signal?.aborted) {
      throw new NatlabError('interrupted while loading scenario files', {
        code: 'INTERRUPTED',
        stage: 'scenario',
      });
    }
    const file = files[outcomes.length];
    if (file !== undefined) {
      const how = overMemory
        ? `took more than ${Math.round(maxRssBytes / 1024 ** 2)} MiB of memory while loading (reading a device or an endless stream?)`
        : timedOut
          ? `did not finish loading within ${timeoutMs / 1000} s (a loop, or an await on something that never comes?)`
          : result.code === 13
            ? 'has a top-level await that never settles'
            : `ended its process while loading (${result.signal ?? `exit code ${result.code}`})`;
      const tail = output.trim() ? `; it printed:\n${output.trim()}` : '';
      outcomes.push({ file, ok: false, error: `${how}${tail}` });
    }
    return outcomes;
  } finally {
    clearTimeout(timer);
    clearInterval(watch);
    signal?.removeEventListener('abort', kill);
    kill();
  }
}

async function residentBytes(pid: number | undefined): Promise<number> {
  // Gone (or not yet there) counts as nothing.
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}

function toOutcome(message: ChildMessage): ImportOutcome {
  if (message.error !== undefined) return { file: message.file, ok: false, error: message.error };
  const value = message.json === undefined ? undefined : JSON.parse(message.json);
  return { file: message.file, ok: true, value };
}
