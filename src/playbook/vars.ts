// Variables: the layers merged by precedence, values that refer to other variables, rendering of arguments, and
// `-e` extra vars.
import path from 'node:path';
import { ProvisionError, ProvisionErrors, type Where } from '../errors.js';
import type { Host, Inventory } from '../inventory/types.js';
import { isTemplated, render } from '../template/render.js';
import type { Play } from './types.js';
import { describeFileValue, listFix, posOf, parseYaml } from '../source/yaml-source.js';
import { readSourceFile } from '../source/yaml-checks.js';
import { parseKeyValues } from './module-args.js';
import { SECRET_NAME } from '../shell/secret.js';
import { renderValue } from '../template/value.js';

/** The layers a task's variables come from. */
export interface VarLayers {
  host: Host;
  play?: Play;
  facts?: Record<string, unknown>;
  registered?: Record<string, unknown>;
  extra?: Record<string, unknown>;
  task?: Record<string, unknown>;
  /** When given, `groups` (group name → host names) is available too. */
  inventory?: Inventory;
}

/**
 * Merges the layers, later winning (top-level keys replace, as Ansible's default hash_behaviour=replace):
 *   play defaults < inventory (group vars all → parent → child, host vars, host_vars/) < play vars < vars_files < task vars
 *   < facts < registered results and set_fact < extra vars (-e, always win).
 * Then the names Ansible always defines: inventory_hostname, inventory_hostname_short, group_names (and groups
 * when `inventory` is given); they cannot be overridden.
 *
 * Values written by the user (inventory, play, vars_files, task, extra) may refer to other variables
 * (`url: "http://{{ host }}/"`); they are rendered here, in dependency order, against the merged result.
 * Registered results and facts are data from hosts and are never rendered. A value that cannot be rendered (it
 * uses a variable that does not exist) stays out of the enumerable keys and throws, naming the missing
 * variable, when read: an unused broken variable does not fail a task, as in Ansible.
 */
export function buildVars(layers: VarLayers): Record<string, unknown> {
  const user = [layers.play?.defaults, layers.host.vars, layers.play?.vars, layers.play?.varsFromFiles, layers.task];
  const merged: Record<string, unknown> = {};
  const templatable = new Set<string>();
  const put = (layer: Record<string, unknown> | undefined, rendered: boolean) => {
    for (const [k, v] of Object.entries(layer ?? {})) {
      merged[k] = v;
      if (rendered && holdsTemplate(v)) templatable.add(k);
      else templatable.delete(k);
    }
  };
  for (const layer of user) put(layer, true);
  put(layers.facts, false);
  put(layers.registered, false);
  put(layers.extra, true);
  const host = layers.host;
  Object.assign(merged, {
    inventory_hostname: host.name,
    inventory_hostname_short: host.name.split('.')[0],
    group_names: host.groups.filter((g) => g !== 'all' && g !== 'ungrouped').sort(),
    ...(layers.inventory ? { groups: groupsMap(layers.inventory) } : {}),
  });
  for (const k of ['inventory_hostname', 'inventory_hostname_short', 'group_names', 'groups']) templatable.delete(k);
  resolveTemplates(merged, templatable, host.name);
  return merged;
}

function holdsTemplate(v: unknown): boolean {
  if (typeof v === 'string') return isTemplated(v);
  if (Array.isArray(v)) return v.some(holdsTemplate);
  if (v !== null && typeof v === 'object') return Object.values(v).some(holdsTemplate);
  return false;
}

function groupsMap(inv: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of inv.groups.keys()) out[name] = [...inv.hosts.values()].filter((h) => h.groups.includes(name)).map((h) => h.name);
  return out;
}

// Each templated value becomes a getter that renders it on first read (so `a` may use `b` before `b` is
// rendered); then every getter is read once and replaced by its value, or by a hidden throwing getter.
function resolveTemplates(vars: Record<string, unknown>, keys: Set<string>, host: string): void {
  const state = new Map<string, { done: boolean; value?: unknown; error?: unknown }>();
  const stack: string[] = [];
  for (const key of keys) {
    const raw = vars[key];
    Object.defineProperty(vars, key, {
      configurable: true,
      enumerable: true,
      get() {
        const s = state.get(key);
        if (s?.done) {
          if (s.error) throw s.error;
          return s.value;
        }
        if (stack.includes(key)) {
          throw new ProvisionError({
            what: `variable "${key}" refers to itself (${[...stack.slice(stack.indexOf(key)), key].join(' → ')})`,
            where: { host },
            fix: 'give one of them a plain value',
            code: 'variable-cycle',
          });
        }
        stack.push(key);
        try {
          const value = renderValue(raw, vars, { host, path: `vars.${key}` });
          state.set(key, { done: true, value });
          return value;
        } catch (e) {
          const error = e instanceof ProvisionError ? explain(e, key) : e;
          state.set(key, { done: true, error });
          throw error;
        } finally {
          stack.pop();
        }
      },
    });
  }
  for (const key of keys) {
    try {
      const value = vars[key];
      Object.defineProperty(vars, key, { value, enumerable: true, writable: true, configurable: true });
    } catch (error) {
      Object.defineProperty(vars, key, {
        enumerable: false,
        configurable: true,
        get() {
          throw error;
        },
      });
    }
  }
}

function explain(e: ProvisionError, key: string): ProvisionError {
  // A syntax error quotes the text around it, which here is a piece of the value: not shown when that is a secret.
  if (e.problem.code === 'template-syntax' && SECRET_NAME.test(key)) {
    return new ProvisionError({ ...e.problem, what: `${e.problem.what} in the value of variable "${key}"`, got: 'not shown: the variable holds a secret' });
  }
  if (e.problem.code !== 'undefined-variable' || e.problem.what.includes('in the value of')) return e;
  return new ProvisionError({ ...e.problem, what: `${e.problem.what} in the value of variable "${key}"` });
}

/**
 * Reads `-e` arguments, later ones winning: `k=v` (strings, as in Ansible; quotes group words: `msg="a b"`),
 * `'k=v k2=v2'`, JSON or YAML flow `{"k": 1}`, and `@file.yml` (YAML or JSON, relative to `cwd`).
 */
export async function parseExtraVars(args: string[], cwd: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [i, arg] of args.entries()) {
    const text = arg.trim();
    // An inline -e may hold a secret (-e db_password=...): errors name it by position and never echo its text.
    const inline = `-e #${i + 1}`;
    const notShown = `${[...text].length} characters, not shown: an -e value may hold a secret`;
    if (text.startsWith('@')) {
      const file = path.resolve(cwd, text.slice(1));
      // Named in errors relative to where provision runs (as it was written, when cwd is that folder).
      const shown = path.isAbsolute(text.slice(1)) ? text.slice(1) : path.relative(process.cwd(), file) || file;
      const parsed = parseYaml(await readSourceFile(shown, 'extra vars file', { path: `-e ${arg}` }), shown);
      if (parsed.problems.length > 0) throw new ProvisionErrors(parsed.problems);
      Object.assign(out, mapping(parsed.value, { ...posOf(parsed.source, []) }, `-e ${arg}`));
    } else if (text.startsWith('{')) {
      const parsed = parseYaml(text, '-e');
      if (parsed.problems.length > 0) {
        throw new ProvisionErrors(
          parsed.problems.map((p) => ({
            what: `cannot read extra vars as JSON: ${p.what}${p.where?.col !== undefined ? ` (at character ${p.where.col})` : ''}`,
            where: { path: inline },
            expected: '{"name": "value", ...}',
            got: notShown,
            code: 'extra-vars',
          })),
        );
      }
      Object.assign(out, mapping(parsed.value, { path: inline }, inline));
    } else if (text !== '') {
      const pairs = parseKeyValues(text);
      if (!pairs) {
        throw new ProvisionError({
          what: 'cannot read extra vars',
          where: { path: inline },
          expected: 'key=value pairs, {"json": "object"}, or @file.yml',
          got: notShown,
          code: 'extra-vars',
        });
      }
      Object.assign(out, pairs);
    }
  }
  return out;
}

function mapping(v: unknown, where: Where, named: string): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  throw new ProvisionError({ what: 'extra vars must be a mapping', where, expected: 'name: value pairs', got: describeFileValue(v), fix: listFix(v).fix ?? `check ${named}`, code: 'extra-vars' });
}
