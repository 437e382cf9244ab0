// A task's module arguments: from what was written (a mapping, a free-form string, `k=v` pairs, `args:`) to the
// object the module's zod schema checks, with Ansible's friendly conversions (yes → true, "22" → 22).
import type { z } from 'zod';
import type { ModuleDef } from '../modules/define.js';
import { getModule } from '../modules/registry.js';
import { isTemplated } from '../template/render.js';
import { booleanWord } from '../source/bool.js';
import { objectKeysAt, valueAt, withoutSafeIntegerBound } from '../source/yaml-source.js';

/**
 * The registered module a task key names: `apt`, or a fully qualified name whose last part is one of ours
 * (`ansible.builtin.copy` → `copy`), so playbooks written for Ansible keep working.
 */
export function resolveModuleName(key: string): string | undefined {
  if (getModule(key)) return key;
  const fq = /^[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.([A-Za-z0-9_]+)$/.exec(key);
  return fq && getModule(fq[1]) ? fq[1] : undefined;
}

/** Splits Ansible's `key=value key2="two words"` form; undefined when the text is not entirely such pairs. */
export function parseKeyValues(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']*)\s*/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return undefined;
    const v = m[2];
    out[m[1]] = v.startsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v.startsWith("'") ? v.slice(1, -1) : v;
    at = re.lastIndex;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The outcome of reading what was written under a module key. */
export type ArgsShape = { ok: true; args: Record<string, unknown> } | { ok: false; expected: string };

/**
 * Reads what was written under the module key: nothing, a mapping, `k=v` pairs (for a module with a free form,
 * only when every key is one of its arguments), or a free-form string.
 */
export function readModuleArgs(def: ModuleDef, raw: unknown): ArgsShape {
  if (raw === null || raw === undefined) return { ok: true, args: {} };
  if (typeof raw === 'object' && !Array.isArray(raw)) return { ok: true, args: { ...(raw as Record<string, unknown>) } };
  if (typeof raw === 'string' || typeof raw === 'number') {
    const pairs = typeof raw === 'string' ? parseKeyValues(raw) : undefined;
    // `debug: msg=hi` is key=value even though debug has a free form; `command: FOO=1 make` is not.
    const known = objectKeysAt(def.args, []) ?? [];
    if (pairs && (!def.freeForm || Object.keys(pairs).every((k) => known.includes(k)))) return { ok: true, args: pairs };
    if (def.freeForm) return { ok: true, args: { [def.freeForm]: String(raw) } };
  }
  return { ok: false, expected: def.freeForm ? `a mapping of arguments, or a string (${def.freeForm})` : 'a mapping of arguments (or key=value pairs)' };
}

/** What checkModuleArgs found: the (converted) arguments and the issues that remain. */
export interface CheckedArgs {
  args: Record<string, unknown>;
  issues: z.core.$ZodIssue[];
}

/**
 * Checks arguments against the module's schema. Like Ansible's argument spec, a boolean argument takes
 * yes/no/on/off and a number argument takes a numeric string; those are converted in the returned `args`.
 * With `skipTemplated`, issues at a `{{ }}` string are dropped: its value is only known after rendering.
 */
export function checkModuleArgs(def: ModuleDef, args: Record<string, unknown>, opts: { skipTemplated?: boolean } = {}): CheckedArgs {
  let current = args;
  let issues: z.core.$ZodIssue[] = [];
  for (let round = 0; round < 20; round++) {
    const parsed = def.args.safeParse(current);
    if (parsed.success) return { args: current, issues: [] };
    issues = parsed.error.issues;
    let converted = false;
    for (const issue of issues) {
      if (issue.code !== 'invalid_type') continue;
      const value = valueAt(current, issue.path);
      const better = convert(value, issue.expected, issue.path[issue.path.length - 1]);
      if (better !== undefined) {
        current = setAt(current, issue.path, better);
        converted = true;
      }
    }
    if (!converted) break;
  }
  if (opts.skipTemplated) issues = issues.filter((issue) => !underTemplate(current, issue.path));
  return { args: current, issues: [...withoutSafeIntegerBound(issues)] };
}

function convert(value: unknown, expected: string, key: PropertyKey | undefined): unknown {
  if (expected === 'boolean') return booleanWord(value);
  if ((expected === 'number' || expected === 'int') && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  // `version: 12` means "12"; but `mode: 644` is the octal trap, which the error message explains instead.
  if (expected === 'string' && typeof value === 'number' && key !== 'mode') return String(value);
  return undefined;
}

function setAt(data: Record<string, unknown>, path: readonly PropertyKey[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(data);
  let node: any = copy;
  for (const seg of path.slice(0, -1)) node = node[seg as string];
  node[path[path.length - 1] as string] = value;
  return copy;
}

// True when the value at `path`, or a string on the way to it, holds a template.
function underTemplate(data: unknown, path: readonly PropertyKey[]): boolean {
  for (let i = 0; i <= path.length; i++) {
    const v = valueAt(data, path.slice(0, i));
    if (typeof v === 'string' && isTemplated(v)) return true;
  }
  return false;
}
