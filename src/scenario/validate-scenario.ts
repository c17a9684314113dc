// Run-time validation of a whole scenario: scenario files may be plain JavaScript, so types prove
// nothing. Every problem comes back at once, each naming its path (flows[2].match.tcp.synn).

import type { z } from 'zod';
import { NatlabError } from '../errors.ts';
import type { ScenarioDef } from './define-scenario.ts';
import { scenarioSchema } from './validate-schema.ts';
import { printable } from './validate-sysctls.ts';

/** Far deeper than any scenario (about 6 levels), and a stop for cycles. */
const MAX_DEPTH = 32;
/** Far above any real lab's count of values, far below what would stall a run. */
const MAX_VALUES = 200_000;

type Path = readonly PropertyKey[];

/**
 * The scenario as checked plain data, or a NatlabError (INVALID_SCENARIO) listing every problem.
 * Getters run once, here: what the pipeline reads afterwards is the copy that was checked.
 */
export function validateScenario(raw: unknown, name: string): ScenarioDef {
  const copied = copyPlainData(raw);
  const result = scenarioSchema.safeParse(copied.value);
  if (result.success && copied.problems.length === 0) return result.data;
  // A value the copy could not take is missing there: one problem for it, not two.
  const unread = copied.problems.map((p) => p.path);
  const issues = (result.error?.issues ?? [])
    .flatMap(perKey)
    .filter((issue) => !unread.some((path) => startsWith(issue.path, path)));
  const problems = [
    ...copied.problems.map((p) => `${pathText(p.path)}: ${p.text}`),
    ...describeIssues(issues, copied.value),
  ];
  throw new NatlabError(
    `scenario "${name}" is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    { code: 'INVALID_SCENARIO', stage: 'scenario' },
  );
}

/** Unknown keys one issue each, at the key's own path. */
function perKey(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'unrecognized_keys') return [issue];
  return issue.keys.map((key) => ({
    code: 'custom',
    path: [...issue.path, key],
    message: 'unknown key',
    input: undefined,
  }));
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.every((key, i) => path[i] === key);
}

/**
 * A copy holding only arrays, plain objects and primitives. A getter that throws, a Map or a class
 * instance, a cycle: each becomes a problem naming its path, never an exception from the checks.
 */
function copyPlainData(raw: unknown): { value: unknown; problems: { path: Path; text: string }[] } {
  const problems: { path: Path; text: string }[] = [];
  let count = 0;
  const ancestors = new Set<object>();
  const copy = (value: unknown, path: Path): unknown => {
    count += 1;
    if (count > MAX_VALUES) {
      if (count === MAX_VALUES + 1)
        problems.push({ path: [], text: `holds over ${MAX_VALUES} values` });
      return undefined;
    }
    if (typeof value !== 'object' || value === null) return value;
    if (ancestors.has(value)) {
      problems.push({ path: path, text: `refers back to itself (a cycle)` });
      return undefined;
    }
    if (path.length > MAX_DEPTH) {
      problems.push({ path: path, text: `nested deeper than ${MAX_DEPTH} levels` });
      return undefined;
    }
    ancestors.add(value);
    try {
      return copyObject(value, path);
    } catch (error) {
      problems.push({ path: path, text: `reading it threw ${thrownText(error)}` });
      return undefined;
    } finally {
      ancestors.delete(value);
    }
  };
  const copyObject = (value: object, path: Path): unknown => {
    if (Array.isArray(value)) {
      if (value.length > MAX_VALUES) {
        problems.push({ path: path, text: `holds ${value.length} items, over ${MAX_VALUES}` });
        return undefined;
      }
      return Array.from({ length: value.length }, (_, i) => read(value, i, path));
    }
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      problems.push({ path: path, text: `expected a plain object, got ${typeName(value)}` });
      return undefined;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      // defineProperty, so a key such as "__proto__" stays a plain key.
      Object.defineProperty(out, key, {
        value: read(value, key, path),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  const read = (holder: object, key: string | number, path: Path): unknown => {
    let value: unknown;
    try {
      value = (holder as Record<string | number, unknown>)[key];
    } catch (error) {
      problems.push({ path: [...path, key], text: `reading it threw ${thrownText(error)}` });
      return undefined;
    }
    return copy(value, [...path, key]);
  };
  const value = copy(raw, []);
  return { value, problems };
}

/** One line per problem, the path first. */
function describeIssues(issues: readonly z.core.$ZodIssue[], root: unknown): string[] {
  return issues.flatMap(perKey).flatMap((issue) => describeIssue(issue, root));
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown): string[] {
  const where = pathText(issue.path);
  const value = valueAt(root, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (value.found === false)
        return [`${where}: missing (expected ${typeWord(issue.expected)})`];
      return [`${where}: expected ${typeWord(issue.expected)}, got ${shown(value.value)}`];
    case 'invalid_key':
      return [`${where}: unknown key`];
    case 'invalid_value':
      return [notOneOf(where, value, issue.values)];
    case 'too_small':
    case 'too_big':
      return [sizeProblem(where, issue, value.value)];
    case 'invalid_union':
      // A discriminated union (service kinds) whose discriminator matches no option.
      if ('options' in issue && Array.isArray(issue.options) && issue.errors.length === 0) {
        return [notOneOf(where, value, issue.options)];
      }
      return unionProblems(issue, root);
    default:
      return [`${where}: ${issue.message}`];
  }
}

function notOneOf(
  where: string,
  value: { found: boolean; value: unknown },
  options: readonly unknown[],
): string {
  const list = options.map((v) => shown(v)).join(', ');
  if (!value.found) return `${where}: missing (expected one of ${list})`;
  return `${where}: ${shown(value.value)} is not one of ${list}`;
}

/** A union (the probe kinds): the problems of the branch the value comes closest to. */
function unionProblems(issue: z.core.$ZodIssueInvalidUnion, root: unknown): string[] {
  const branches = issue.errors.map((branch) =>
    describeIssues(
      branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
      root,
    ),
  );
  const closest = branches.sort((a, b) => a.length - b.length)[0];
  return closest && closest.length > 0 ? closest : [`${pathText(issue.path)}: ${issue.message}`];
}

function sizeProblem(
  where: string,
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  value: unknown,
): string {
  const bound =
    issue.code === 'too_small' ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
  if (issue.origin === 'string') return `${where}: must be ${bound} characters long`;
  if (issue.origin === 'array') return `${where}: must hold ${bound} items`;
  return `${where}: ${shown(value)} is out of range (must be ${bound})`;
}

const TYPE_WORDS: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  record: 'an object',
};

function typeWord(expected: string): string {
  return TYPE_WORDS[expected] ?? expected;
}

function valueAt(root: unknown, path: Path): { found: boolean; value: unknown } {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) {
      return { found: false, value: undefined };
    }
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value };
}

/** A value as a user wrote it, cut short. */
function shown(value: unknown): string {
  if (typeof value === 'string') return `"${printable(value, 60)}"`;
  if (Array.isArray(value)) return 'an array';
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}

function typeName(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a prototype';
}

function thrownText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${printable(error.message)}`;
  try {
    return printable(String(error));
  } catch {
    return 'a value that cannot be shown';
  }
}

/** flows[2].match.tcp, nodes["my node"] */
export function pathText(path: Path): string {
  if (path.length === 0) return 'the scenario';
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const text = String(key);
      if (/^[A-Za-z_$][\w$]*$/.test(text)) return i === 0 ? text : `.${text}`;
      return `["${printable(text)}"]`;
    })
    .join('');
}
