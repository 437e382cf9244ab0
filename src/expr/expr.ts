// Conditions (`when`, `changed_when`, `failed_when`, `until`) written as in Ansible, evaluated by filtrex after the
// pre-pass in expr-translate.ts. Strict: an undefined variable is an error unless tested with `is defined` or
// given a `default`.
import { compileExpression } from 'filtrex';
import { ProvisionError, type Where } from '../errors.js';
import { booleanWord } from '../source/bool.js';
import { ExprSyntaxError, translate } from './expr-translate.js';

// What a variable path evaluates to when it does not exist; only `is defined` and `default` may look at it.
class Missing {
  constructor(
    readonly name: string,
    readonly parent?: string,
    readonly known?: string[],
  ) {}
}
class UndefinedUse extends Error {
  constructor(readonly missing: Missing) {
    super(`undefined variable "${missing.name}"`);
  }
}

const own = (o: object, k: PropertyKey) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Python's truthiness, plus Ansible's boolean words: YAML 1.2 reads `enabled: no` as the string "no", and
 * `when: enabled` must then be false. Other non-empty strings are true.
 */
export function truthy(v: unknown): boolean {
  if (typeof v === 'string') return booleanWord(v) ?? v !== '';
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => own(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

// The type only, never the value: a value in a condition may be a piece of a secret or a number made from one
// (`token | first`, `pin | int`), forms no masking can know.
function kind(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

function compare(op: string, test: (a: number | string, b: number | string) => boolean) {
  return (a: unknown, b: unknown) => {
    if ((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')) return test(a, b);
    throw new TypeError(`cannot compare ${kind(a)} ${op} ${kind(b)} (convert with | int or | string)`);
  };
}

function result(r: unknown, test: string): Record<string, unknown> {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new TypeError(`"is ${test}" needs a registered result, got ${kind(r)}`);
  return r as Record<string, unknown>;
}

function toNumber(v: unknown, parse: (s: string) => number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = typeof v === 'string' ? parse(v.trim()) : NaN;
  // Jinja's int/float return 0 for what they cannot read.
  return Number.isNaN(n) ? 0 : n;
}

function sized(v: unknown, what: string): string | unknown[] {
  if (typeof v === 'string' || Array.isArray(v)) return v;
  throw new TypeError(`${what} needs a string or a list, got ${kind(v)}`);
}

const functions: Record<string, (...args: any[]) => unknown> = {
  __v: (v: unknown) => {
    if (v instanceof Missing) throw new UndefinedUse(v);
    return v;
  },
  __attr: (o: unknown, key: string | number, name: string) => {
    if (o instanceof Missing) return o;
    const parent = name.replace(/(\.[^.[]*|\[[^\]]*\])$/, '');
    if (Array.isArray(o) || typeof o === 'string') {
      const i = typeof key === 'number' ? key : Number.NaN;
      const at = i < 0 ? o.length + i : i;
      return Number.isInteger(at) && at >= 0 && at < o.length ? o[at] : new Missing(name, parent);
    }
    if (o !== null && typeof o === 'object') return own(o, key) ? (o as Record<string, unknown>)[key] : new Missing(name, parent, Object.keys(o));
    return new Missing(name, parent);
  },
  __list: (...items: unknown[]) => items,
  __truthy: truthy,
  __in: (needle: unknown, hay: unknown) => {
    if (typeof hay === 'string') {
      if (typeof needle !== 'string') throw new TypeError(`"in" a string needs a string on the left, got ${kind(needle)}`);
      return hay.includes(needle);
    }
    if (Array.isArray(hay)) return hay.some((x) => deepEqual(x, needle));
    if (hay !== null && typeof hay === 'object') return own(hay, String(needle));
    throw new TypeError(`"in" needs a string, a list or a mapping on the right, got ${kind(hay)}`);
  },
  // Ansible's bool filter: true, "yes", "on", "1", "true" (any case) and 1 are true; everything else is false.
  __f_bool: (v: unknown) => v === true || v === 1 || (typeof v === 'string' && ['yes', 'on', '1', 'true'].includes(v.trim().toLowerCase())),
  __f_int: (v: unknown) => Math.trunc(toNumber(v, (s) => (/^[-+]?\d+(\.\d*)?$/.test(s) ? parseFloat(s) : NaN))),
  __f_float: (v: unknown) => toNumber(v, (s) => (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) ? parseFloat(s) : NaN)),
  __f_string: (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? 'None' : typeof v === 'object' ? JSON.stringify(v) : String(v)),
  __f_lower: (v: unknown) => String(v).toLowerCase(),
  __f_upper: (v: unknown) => String(v).toUpperCase(),
  __f_trim: (v: unknown) => String(v).trim(),
  __f_length: (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).length : sized(v, 'length').length),
  __f_count: (v: unknown) => functions.__f_length(v),
  __f_first: (v: unknown) => sized(v, 'first')[0],
  __f_last: (v: unknown) => sized(v, 'last').at(-1),
  __f_join: (v: unknown, sep: unknown = '') => (Array.isArray(v) ? v.map(String).join(String(sep)) : sized(v, 'join')),
  __f_default: (v: unknown, fallback: unknown = '', ifFalsy: unknown = false) =>
    v instanceof Missing || v === undefined || (ifFalsy === true && !truthy(v)) ? fallback : v,
  __t_defined: (v: unknown) => !(v instanceof Missing) && v !== undefined,
  __t_undefined: (v: unknown) => v instanceof Missing || v === undefined,
  __t_none: (v: unknown) => v === null,
  __t_changed: (r: unknown) => result(r, 'changed').changed === true,
  __t_failed: (r: unknown) => result(r, 'failed').failed === true,
  __t_succeeded: (r: unknown) => result(r, 'succeeded').failed !== true,
  __t_skipped: (r: unknown) => result(r, 'skipped').skipped === true,
};

const options = {
  extraFunctions: functions,
  constants: { true: true, false: false, null: null },
  // Variables arrive single-quoted from the pre-pass; a missing one becomes a Missing, not an exception, so that
  // `x is defined` can look at it.
  customProp: (name: string, _get: unknown, obj: unknown) =>
    obj !== null && typeof obj === 'object' && own(obj, name) ? (obj as Record<string, unknown>)[name] : new Missing(name),
  operators: {
    '==': deepEqual,
    '!=': (a: unknown, b: unknown) => !deepEqual(a, b),
    '<': compare('<', (a, b) => a < b),
    '<=': compare('<=', (a, b) => a <= b),
    '>': compare('>', (a, b) => a > b),
    '>=': compare('>=', (a, b) => a >= b),
  },
};

type Compiled = (vars: unknown) => unknown;
const cache = new Map<string, Compiled | ExprSyntaxError>();

// `{{ x }}` around a whole condition is allowed (Ansible used to need it); templating inside one is not.
// Returns the expression and how many characters were cut from its start (to report columns in the original).
function strip(expr: string): { body: string; offset: number } {
  const m = /^(\s*\{\{)([\s\S]*)\}\}\s*$/.exec(expr);
  const inner = m && !m[2].includes('{{') ? m[2] : expr;
  const lead = (m && inner === m[2] ? m[1].length : 0) + (inner.length - inner.trimStart().length);
  return { body: inner.trim(), offset: lead };
}

function compile(expr: string): Compiled | ExprSyntaxError {
  let fn = cache.get(expr);
  if (!fn) {
    const { body, offset } = strip(expr);
    try {
      if (body === '') throw new ExprSyntaxError('empty condition', 1);
      fn = compileExpression(translate(body), options) as Compiled;
    } catch (e) {
      fn =
        e instanceof ExprSyntaxError
          ? new ExprSyntaxError(e.message, e.col + offset)
          : // A stack overflow, in the translator or in the JavaScript filtrex writes: a chain no bracket limit catches.
            e instanceof RangeError
            ? new ExprSyntaxError('too long or too deeply nested to evaluate: split it into several conditions (a list under when: means all of them)', 1)
            : new ExprSyntaxError((e as Error).message.split('\n')[0], 1);
    }
    cache.set(expr, fn);
  }
  return fn;
}

/** The syntax error of a condition as one line (`expected a value after "==", …`), or undefined when it parses. */
export function conditionSyntaxError(expr: string | boolean): string | undefined {
  if (typeof expr === 'boolean') return undefined;
  const fn = compile(expr);
  return fn instanceof ExprSyntaxError ? `syntax error in condition "${expr}": ${fn.message} (column ${fn.col})` : undefined;
}

/**
 * Evaluates an Ansible-style condition: `and or not`, `== != < <= > >=`, `in`/`not in`, dotted access,
 * `is [not] defined|none|changed|failed|succeeded|skipped`, filters (`| bool`, `| int`, `| default(x)`, ...),
 * literals true/false/True/False/none, quoted strings, lists. YAML booleans pass through.
 */
export function evalCondition(expr: string | boolean, vars: Record<string, unknown>, where: Where): boolean {
  if (typeof expr === 'boolean') return expr;
  const fn = compile(expr);
  if (fn instanceof ExprSyntaxError) {
    throw new ProvisionError({ what: conditionSyntaxError(expr)!, where, code: 'condition-syntax' });
  }
  const value = fn(vars);
  if (value instanceof UndefinedUse) {
    const m = value.missing;
    const known = m.known && m.known.length > 0 ? `"${m.parent}" has: ${m.known.slice(0, 12).join(', ')}; ` : '';
    throw new ProvisionError({
      what: `undefined variable "${m.name}" in condition "${expr}"`,
      where,
      fix: `${known}test it first (${m.name} is defined and ...) or give a default (${m.name} | default(...))`,
      code: 'undefined-variable',
    });
  }
  // A variable whose own value failed to render (see buildVars): its message names the missing one.
  if (value instanceof ProvisionError) throw new ProvisionError({ ...value.problem, where: { ...value.problem.where, ...where } });
  if (value instanceof Error) {
    throw new ProvisionError({ what: `cannot evaluate condition "${expr}": ${value.message}`, where, code: 'condition' });
  }
  return truthy(value);
}
