// A scenario file's default export as JSON, or why it could not be: what the loading child sends
// (scenario-child.ts), and what natlab's own compiled catalog gives when imported in-process.
// Node built-ins only, so it runs as .ts or as compiled .js.

import { pathToFileURL } from 'node:url';

export interface ChildMessage {
  file: string;
  /** The default export as JSON; absent when the file exports nothing. */
  json?: string;
  error?: string;
}

/** Over this, a default export is not a scenario but a mistake (and too much for one message). */
const MAX_JSON_CHARS = 16 * 1024 * 1024;

class NotData extends Error {}

export async function loadAsData(file: string): Promise<ChildMessage> {
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    const data = toData(module.default, '', new Set());
    const json = data === undefined ? undefined : JSON.stringify(data);
    if (json !== undefined && json.length > MAX_JSON_CHARS) {
      return {
        file,
        error: `its default export is ${json.length} characters of JSON, over 16 MiB`,
      };
    }
    return { file, json };
  } catch (error) {
    return { file, error: describe(error, file) };
  }
}

/** A copy that JSON carries unchanged, or an error naming the first value it could not carry. */
function toData(value: unknown, path: string, seen: Set<object>): unknown {
  const fail = (why: string) => new NotData(`${path || 'the default export'}: ${why}`);
  if (typeof value === 'number' && !Number.isFinite(value)) throw fail(`${value} is not a number`);
  if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) {
    return value;
  }
  if (typeof value !== 'object') {
    throw fail(`a ${typeof value} is not data (only objects, arrays, strings, numbers, booleans)`);
  }
  if (seen.has(value)) throw fail('refers back to itself');
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return Array.from({ length: value.length }, (_, i) => {
        const item = toData(read(value, i, `${path}[${i}]`), `${path}[${i}]`, seen);
        if (item === undefined) throw fail(`item ${i} is undefined`);
        return item;
      });
    }
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    if (proto !== Object.prototype && proto !== null) {
      throw fail(`a ${proto.constructor?.name || 'class'} object is not a plain object`);
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key;
      const item = toData(read(value, key, at), at, seen);
      // Like JSON: a key set to undefined is a key left out.
      if (item !== undefined) copy[key] = item;
    }
    return copy;
  } finally {
    // Shared references are fine; only a value inside itself is not.
    seen.delete(value);
  }
}

function read(object: object, key: string | number, path: string): unknown {
  try {
    return (object as Record<string | number, unknown>)[key];
  } catch (error) {
    throw new NotData(`${path}: reading it threw: ${describe(error, '')}`);
  }
}

/** An error as one line, whatever was thrown, with the file's line when its stack shows one. */
function describe(error: unknown, file: string): string {
  try {
    if (error instanceof NotData) return error.message;
    if (error instanceof Error) {
      const frame = file ? error.stack?.split('\n').find((l) => l.includes(file)) : undefined;
      const line = frame?.match(/:(\d+):\d+\)?$/)?.[1];
      return `${error.message}${line ? ` (line ${line})` : ''}`;
    }
    const shown = typeof error === 'string' ? JSON.stringify(error) : String(error);
    return `it threw ${shown}, which is not an Error`;
  } catch {
    return 'it threw a value that cannot even be shown';
  }
}
