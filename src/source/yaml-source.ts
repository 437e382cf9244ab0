// YAML with source positions: parse (YAML 1.2 core schema, unique keys, bounded aliases) and map a path or a zod
// issue back to file:line:col of the node that caused it.
import { Document, LineCounter, parseDocument, isAlias, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { z } from 'zod';
import type { ProblemInfo } from '../errors.js';
import type { SourcePos } from '../source/position.js';
import { didYouMean } from './suggest.js';
import { defOf, ZOD_WRAPPERS } from './zod-def.js';
import { readSourceFile, structureProblems, syntaxProblems, textProblem } from './yaml-checks.js';

/** A parsed YAML file that can still answer "where is this node?". */
export interface YamlSource {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
}

/** One step of a path into a document: a map key or a list index. */
export type PathSeg = string | number;

/** The result of parsing: the plain value (undefined when the YAML is broken) and every problem found. */
export interface ParsedYaml {
  source: YamlSource;
  value: unknown;
  problems: ProblemInfo[];
}

// Plenty for real playbooks (anchors for shared vars), far too few for a "billion laughs" expansion.
const MAX_ALIAS_COUNT = 100;

/**
 * Parses YAML text. Choices an Ansible user should know about:
 * - YAML 1.2 core schema: `yes`/`no`/`on`/`off` are strings and `0644` is the number 644 (quote modes: "0644").
 *   Playbook and inventory keywords that are booleans (become, gather_facts, ...) and boolean module arguments
 *   accept yes/no/on/off/true/false in any case, as Ansible does, so `become: yes` works where it matters.
 * - Merge keys (`<<: *defaults`) work, as in Ansible.
 * - Duplicate keys are an error (YAML says so; PyYAML silently keeps the last one).
 * - Unknown tags such as `!vault` are errors: provision has no vault.
 * - Files over MAX_YAML_BYTES, binary data and control characters are refused before parsing.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const bad = textProblem(text, file);
  // Parsing a huge or binary text costs seconds and says nothing useful: stop at the one problem.
  const doc = parseDocument(bad ? '' : text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: true, version: '1.2', schema: 'core' });
  const source: YamlSource = { file, doc, lineCounter };
  if (bad) return { source, value: undefined, problems: [bad] };
  const pos = (offset: number) => linePos(source, offset);
  let problems = syntaxProblems([...doc.errors, ...doc.warnings], text, file, doc, pos);
  if (problems.length === 0) problems = structureProblems(doc, file, pos);
  if (problems.length > 0) return { source, value: undefined, problems };
  try {
    return { source, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), problems };
  } catch (e) {
    if (!(e instanceof ReferenceError) || !/alias count/.test(e.message)) {
      // Checked above; should the parser still refuse the data, say so instead of crashing.
      return { source, value: undefined, problems: [{ what: `cannot read this YAML: ${(e as Error).message}`, where: { file, line: 1, col: 1 }, code: 'yaml' }] };
    }
    let where: ProblemInfo['where'] = { file };
    visit(doc, {
      Alias(_key, node) {
        if (node.range) where = { file, ...linePos(source, node.range[0]) };
        return visit.BREAK;
      },
    });
    return {
      source,
      value: undefined,
      problems: [{ what: `too many YAML alias expansions (more than ${MAX_ALIAS_COUNT})`, where, fix: 'write the data out instead of nesting aliases', code: 'yaml' }],
    };
  }
}

/** Reads and parses a YAML file; an unreadable, huge or binary file is a ProvisionError saying which file and why. */
export async function readYaml(file: string, what: string, from?: ProblemInfo['where']): Promise<ParsedYaml> {
  return parseYaml(await readSourceFile(file, what, from), file);
}

/** 1-based line and column of a character offset. */
export function linePos(source: YamlSource, offset: number): { line: number; col: number } {
  return source.lineCounter.linePos(offset);
}

/**
 * Position of the node at `path`, or of its nearest existing ancestor when the path does not exist (a missing key
 * points at the map that lacks it). `key: true` points at the key of the last step instead of its value (unknown keys).
 */
export function posOf(source: YamlSource, path: readonly PathSeg[], opts: { key?: boolean } = {}): SourcePos {
  let node: unknown = source.doc.contents;
  let start = (node as { range?: [number] } | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isAlias(node)) break;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
      if (!pair) break;
      const last = i === path.length - 1;
      const keyStart = (pair.key as { range?: [number] } | null)?.range?.[0];
      const value = pair.value as { range?: [number] } | null;
      if ((last && opts.key) || !value?.range) {
        if (keyStart !== undefined) start = keyStart;
        node = last ? undefined : pair.value;
        if (!value?.range) break;
        continue;
      }
      node = value;
      start = value.range[0];
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as { range?: [number] } | undefined;
      if (!item?.range) break;
      node = item;
      start = item.range[0];
    } else {
      break;
    }
  }
  return { file: source.file, ...linePos(source, start) };
}

/** `plays[0].tasks[3].apt.state` from a prefix and path steps. */
export function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** The value at `path` inside plain data, or undefined. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/** How a value reads in an error message: `a number (644)`, `a string ("yes")`, `a list`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'nothing (null)';
  // Whole: formatProblem shortens it, after a run has masked any secret in it (a cut secret would not match).
  if (typeof v === 'string') return `a string (${JSON.stringify(v)})`;
  if (typeof v === 'number') return Number.isFinite(v) ? `a number (${v})` : Number.isNaN(v) ? 'not a number (NaN)' : `a number too ${v > 0 ? 'large' : 'small'} to represent (read as ${v})`;
  if (typeof v === 'boolean') return `a boolean (${v})`;
  if (Array.isArray(v)) return `a list`;
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

/** describeValue for the whole content of a file: a scalar is not quoted, because a file named by mistake may be a password file. */
export function describeFileValue(v: unknown): string {
  if (typeof v === 'string') return `a string of ${[...v].length} characters (not shown: a file may hold a secret)`;
  if (typeof v === 'number' || typeof v === 'boolean') return `a ${typeof v} (not shown: a file may hold a secret)`;
  return describeValue(v);
}

/** For a vars file written as a list of one-key mappings (`- name: value`): how to make it the mapping it must be. */
export function listFix(v: unknown): { fix?: string } {
  const mappings = Array.isArray(v) && v.length > 0 && v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x));
  return mappings ? { fix: 'remove the "- " in front of the names: a vars file is one mapping, name: value on each line' } : {};
}

const expectedWords: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  null: 'nothing (null)',
};

/** Words for zod's `expected` (`int` → `an integer`). */
export function expectedPhrase(expected: string): string {
  return expectedWords[expected] ?? expected;
}

/** What to tell zodProblems about the data it checked and where that data sits. */
export interface IssueContext {
  /** The parsed file; without it problems carry only the path. */
  source?: YamlSource;
  /** Path of the checked value inside the YAML document. */
  yamlPrefix: readonly PathSeg[];
  /** Path shown to the user for the checked value, e.g. `plays[0].tasks[3].apt`. */
  displayPrefix: string;
  /** The value that was checked (to say what we got). */
  data: unknown;
  /** The schema that was used (to list the keys it knows). */
  schema?: z.ZodType;
}

/** Turns zod issues into problems with file:line:col, path, expected, got, and a fix where one is obvious. */
export function zodProblems(issues: readonly z.core.$ZodIssue[], ctx: IssueContext): ProblemInfo[] {
  return withoutSafeIntegerBound(issues).flatMap((issue) => issueProblems(issue, ctx));
}

/**
 * Issues without the bound zod's int() adds (±9007199254740991) to a huge integer when the schema has its own range
 * for the same value: that range is the one to tell the user.
 */
export function withoutSafeIntegerBound(issues: readonly z.core.$ZodIssue[]): readonly z.core.$ZodIssue[] {
  const safeBound = (i: z.core.$ZodIssue) => (i.code === 'too_big' || i.code === 'too_small') && i.origin === 'int';
  const key = (i: z.core.$ZodIssue) => JSON.stringify(i.path.map(String));
  const others = new Set(issues.filter((i) => !safeBound(i)).map(key));
  return issues.filter((i) => !safeBound(i) || !others.has(key(i)));
}

function issueProblems(issue: z.core.$ZodIssue, ctx: IssueContext): ProblemInfo[] {
  const path = issue.path as PathSeg[];
  const value = valueAt(ctx.data, path);
  const at = (p: readonly PathSeg[], key = false) => ({
    ...(ctx.source ? posOf(ctx.source, [...ctx.yamlPrefix, ...p], { key }) : {}),
    path: joinPath(ctx.displayPrefix, p),
  });
  const last = path[path.length - 1];
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) {
        const problem: ProblemInfo = { what: `missing required key "${String(last)}"`, where: at(path), expected: expectedPhrase(issue.expected), code: 'schema' };
        // A schema's own words for a required argument (get_url's checksum) say more than "a string".
        if (customMessage(issue.message)) problem.fix = issue.message;
        return [problem];
      }
      // YAML reads 1e400 as Infinity: a number, but none that any setting can use.
      const unusable = typeof value === 'number' && !Number.isFinite(value);
      const what = !unusable ? (issue.expected === 'int' && typeof value === 'number' ? 'not an integer' : 'wrong type') : Number.isNaN(value) ? 'not a number' : value > 0 ? 'too big' : 'too small';
      const expected = customMessage(issue.message) ? issue.message : unusable ? 'a finite number' : expectedPhrase(issue.expected);
      const problem: ProblemInfo = { what, where: at(path), expected, got: describeValue(value), code: 'schema' };
      // YAML reads `mode: 0644` as the number 644: the classic Ansible surprise.
      if (last === 'mode' && typeof value === 'number') problem.fix = `quote the mode: mode: "0${value}"`;
      return [problem];
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v));
      const problem: ProblemInfo = {
        what: 'invalid value',
        where: at(path),
        expected: options.length === 1 ? options[0] : `one of ${options.join(', ')}`,
        got: value === undefined ? 'nothing' : JSON.stringify(value),
        code: 'schema',
      };
      if (typeof value === 'string') {
        const hint = didYouMean(value, issue.values.filter((v): v is string => typeof v === 'string'));
        if (hint) problem.fix = hint;
      }
      return [problem];
    }
    case 'unrecognized_keys': {
      const known = ctx.schema ? objectKeysAt(ctx.schema, path) : undefined;
      return issue.keys.map((key) => {
        const problem: ProblemInfo = { what: `unknown key "${key}"`, where: at([...path, key], true), code: 'unknown-key' };
        if (known) {
          problem.expected = `one of ${known.join(', ')}`;
          const hint = didYouMean(key, known);
          if (hint) problem.fix = hint;
        }
        return problem;
      });
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum;
      const inclusive = issue.inclusive !== false;
      let expected: string;
      if (customMessage(issue.message)) expected = issue.message;
      else if (issue.origin === 'string') expected = small && Number(bound) === 1 ? 'a non-empty string' : `${small ? 'at least' : 'at most'} ${bound} characters`;
      else if (issue.origin === 'array') expected = small && Number(bound) === 1 ? 'a non-empty list' : `${small ? 'at least' : 'at most'} ${bound} items`;
      else expected = `a number ${small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<'} ${bound}`;
      return [{ what: small ? 'too small' : 'too big', where: at(path), expected, got: describeValue(value), code: 'schema' }];
    }
    case 'invalid_format': {
      // A schema that describes its pattern in words says it better than the regular expression.
      const expected = customMessage(issue.message) ? issue.message : issue.pattern ? `a string matching ${issue.pattern}` : `a ${issue.format}`;
      return [{ what: 'invalid format', where: at(path), expected, got: describeValue(value), code: 'schema' }];
    }
    case 'invalid_union':
      return unionProblems(issue, ctx, path, value, at);
    default:
      return [{ what: issue.message, where: at(path), got: value === undefined ? undefined : describeValue(value), code: 'schema' }];
  }
}

// zod's own messages start "Invalid ...", "Too big:" or "Too small:" ("Invalid input: expected string", "Too big:
// expected number to be <=100"); anything else was written by a schema for its users.
function customMessage(message: string): boolean {
  return message !== '' && !/^(Invalid |Too big:|Too small:)/.test(message);
}

// A union fails as a whole; when one branch got the type right, its inner issues say more than "invalid input".
function unionProblems(
  issue: z.core.$ZodIssueInvalidUnion,
  ctx: IssueContext,
  path: PathSeg[],
  value: unknown,
  at: (p: readonly PathSeg[]) => ProblemInfo['where'],
): ProblemInfo[] {
  const branches = issue.errors.filter((errs) => errs.length > 0);
  const deep = branches.filter((errs) => errs.every((e) => e.path.length > 0 || e.code !== 'invalid_type'));
  if (deep.length > 0) {
    const best = deep.reduce((a, b) => (b.length < a.length ? b : a));
    return best.flatMap((e) => issueProblems({ ...e, path: [...path, ...e.path] } as z.core.$ZodIssue, ctx));
  }
  const expected = branches
    .map((errs) => errs.find((e) => e.path.length === 0 && e.code === 'invalid_type') as z.core.$ZodIssueInvalidType | undefined)
    .filter((e): e is z.core.$ZodIssueInvalidType => e !== undefined)
    .map((e) => expectedPhrase(e.expected));
  const unique = [...new Set(expected)];
  return [
    {
      what: value === undefined ? `missing required key "${String(path[path.length - 1])}"` : 'wrong type',
      where: at(path),
      expected: unique.length > 0 ? unique.join(' or ') : issue.message,
      ...(value === undefined ? {} : { got: describeValue(value) }),
      code: 'schema',
    },
  ];
}


/** Keys of the object schema found at `path` inside `schema` (through optional, default, pipe, array, union). */
export function objectKeysAt(schema: z.ZodType, path: readonly PathSeg[]): string[] | undefined {
  let nodes: unknown[] = [schema];
  for (const seg of path) nodes = nodes.flatMap((n) => childSchemas(n, seg));
  const keys = new Set<string>();
  for (const n of nodes.flatMap((n) => unwrap(n))) {
    const def = defOf(n);
    if (def?.type === 'object') for (const k of Object.keys(def.shape as object)) keys.add(k);
  }
  return keys.size > 0 ? [...keys] : undefined;
}

function unwrap(s: unknown, depth = 0): unknown[] {
  const def = defOf(s);
  if (!def || depth > 20) return [];
  if (ZOD_WRAPPERS.has(def.type)) return unwrap(def.innerType, depth + 1);
  switch (def.type) {
    case 'pipe':
      return unwrap(def.in, depth + 1);
    case 'lazy':
      return unwrap((def.getter as () => unknown)(), depth + 1);
    case 'union':
      return (def.options as unknown[]).flatMap((o) => unwrap(o, depth + 1));
    case 'intersection':
      return [...unwrap(def.left, depth + 1), ...unwrap(def.right, depth + 1)];
    default:
      return [s];
  }
}

function childSchemas(s: unknown, seg: PathSeg): unknown[] {
  return unwrap(s).flatMap((n) => {
    const def = defOf(n)!;
    if (def.type === 'object') {
      const child = (def.shape as Record<string, unknown>)[String(seg)];
      return child ? [child] : [];
    }
    if (def.type === 'array') return [def.element];
    if (def.type === 'record') return [def.valueType];
    return [];
  });
}

/** Problems of `file` first, in file order; then those of other files (vars files) in the order met. */
export function sortProblems(problems: ProblemInfo[], file: string): ProblemInfo[] {
  const files = [file, ...new Set(problems.map((p) => p.where?.file ?? file))];
  const rank = (p: ProblemInfo) => files.indexOf(p.where?.file ?? file);
  return problems
    .map((p, n) => ({ p, n }))
    .sort((a, b) => rank(a.p) - rank(b.p) || (a.p.where?.line ?? 0) - (b.p.where?.line ?? 0) || (a.p.where?.col ?? 0) - (b.p.where?.col ?? 0) || a.n - b.n)
    .map(({ p }) => p);
}
