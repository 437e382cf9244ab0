// One task or handler: `name` + exactly one module key + common keys, checked and normalized into a Task.
import type { ProblemInfo } from '../errors.js';
import { getModule, moduleNames } from '../modules/registry.js';
import { isTemplated } from '../template/render.js';
import { stringProblems, stringsIn, type TaskString } from './arg-checks.js';
import { conditionSyntaxError } from '../expr/expr.js';
import { checkModuleArgs, readModuleArgs, resolveModuleName } from './module-args.js';
import { HANDLER_KEYS, TASK_KEYS, UNSUPPORTED_KEYS, handlerKeysSchema, taskKeysSchema, type RawTaskKeys } from './schema.js';
import { didYouMean } from '../source/suggest.js';
import type { Task } from './types.js';
import { describeValue, joinPath, posOf, zodProblems, type PathSeg, type YamlSource } from '../source/yaml-source.js';

/** Where a task sits: its YAML path (`[0, 'tasks', 3]`) and the path shown to users (`plays[0].tasks[3]`). */
export interface TaskLocation {
  source: YamlSource;
  yamlPath: PathSeg[];
  display: string;
  handler: boolean;
}

const CONDITION_KEYS = ['when', 'changed_when', 'failed_when', 'until'] as const;

// What every step of parseTask shares: where the task is, and the list its problems go to.
interface Checking {
  loc: TaskLocation;
  kind: 'task' | 'handler';
  problems: ProblemInfo[];
  /** The position and shown path of a part of the task (`key`: the key itself, not its value). */
  at(p: PathSeg[], key?: boolean): ProblemInfo['where'];
}

// The task's keys, sorted: common keywords (when, register, ...), module keys, and keys that are neither.
interface SortedKeys {
  common: Record<string, unknown>;
  modules: { key: string; name: string }[];
  unknown: string[];
}

// A module's arguments once checked, and where each came from (the module key or `args:`).
interface ModuleArgs {
  module: string;
  moduleKey: string;
  args: Record<string, unknown>;
  fromModuleKey: Record<string, unknown>;
  fromArgsKey: Record<string, unknown>;
}

/** Checks one task; pushes every problem found onto `problems` and returns the Task when it is usable. */
export function parseTask(raw: unknown, loc: TaskLocation, problems: ProblemInfo[]): Task | undefined {
  const c: Checking = {
    loc,
    kind: loc.handler ? 'handler' : 'task',
    problems,
    at: (p, key = false) => ({ ...posOf(loc.source, [...loc.yamlPath, ...p], { key }), path: joinPath(loc.display, p) }),
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ what: `a ${c.kind} must be a mapping`, where: c.at([]), expected: `name: ... and one module, e.g. command: ...`, got: describeValue(raw), code: 'schema' });
    return undefined;
  }
  const task = raw as Record<string, unknown>;
  const before = problems.length;
  const sorted = sortKeys(c, task);
  checkModuleKeys(c, sorted, before);
  const keys = checkCommonKeys(c, task, sorted.common);
  if (sorted.modules.length !== 1) return undefined;
  const args = checkArgs(c, task, sorted.modules[0], keys);
  if (!args) return undefined;
  checkStrings(c, task, args, keys);
  if (problems.length > before) return undefined;
  return toTask(c.loc, keys, args, task[args.moduleKey]);
}

function sortKeys(c: Checking, task: Record<string, unknown>): SortedKeys {
  const commonKeys = c.loc.handler ? HANDLER_KEYS : TASK_KEYS;
  const sorted: SortedKeys = { common: {}, modules: [], unknown: [] };
  for (const key of Object.keys(task)) {
    if (commonKeys.includes(key)) sorted.common[key] = task[key];
    else if (Object.hasOwn(UNSUPPORTED_KEYS, key)) c.problems.push({ what: `"${key}" is not supported`, where: c.at([key], true), fix: UNSUPPORTED_KEYS[key], code: 'unsupported' });
    else {
      const name = resolveModuleName(key);
      if (name) sorted.modules.push({ key, name });
      else sorted.unknown.push(key);
    }
  }
  return sorted;
}

// Unknown keys (an unknown module when there is no module), no module at all, or more than one.
function checkModuleKeys(c: Checking, { modules, unknown }: SortedKeys, before: number): void {
  const commonKeys = c.loc.handler ? HANDLER_KEYS : TASK_KEYS;
  const names = moduleNames();
  for (const key of unknown) {
    const asModule = modules.length === 0;
    const problem: ProblemInfo = {
      what: asModule ? `unknown module "${key}"` : `unknown ${c.kind} key "${key}"`,
      where: c.at([key], true),
      expected: asModule ? `a module (${names.join(', ')})` : `one of ${commonKeys.join(', ')}`,
      code: asModule ? 'unknown-module' : 'unknown-key',
    };
    const hint = key === 'listen' ? 'only handlers listen; notify the handler by name' : didYouMean(key, asModule ? [...names, ...commonKeys] : [...commonKeys, ...names]);
    if (hint) problem.fix = hint;
    c.problems.push(problem);
  }
  if (modules.length === 0 && unknown.length === 0 && c.problems.length === before) {
    c.problems.push({ what: `${c.kind} has no module`, where: c.at([]), expected: `one module key (${names.join(', ')})`, code: 'no-module' });
  }
  if (modules.length > 1) {
    c.problems.push({
      what: `${c.kind} has ${modules.length} modules: ${modules.map((m) => `"${m.key}"`).join(', ')}`,
      where: c.at([modules[1].key], true),
      expected: 'exactly one module per task',
      fix: 'split it into one task per module',
      code: 'two-modules',
    });
  }
}

// The common keys against their schema, the conditions' syntax, and loop / with_items.
function checkCommonKeys(c: Checking, task: Record<string, unknown>, common: Record<string, unknown>): Partial<RawTaskKeys> {
  const { loc, problems, at } = c;
  const schema = loc.handler ? handlerKeysSchema : taskKeysSchema;
  const parsed = schema.safeParse(common);
  if (!parsed.success) {
    problems.push(...zodProblems(parsed.error.issues, { source: loc.source, yamlPrefix: loc.yamlPath, displayPrefix: loc.display, data: common, schema }));
  }
  // Read from the raw keys, so that these are checked even when another key of the task is wrong.
  for (const key of CONDITION_KEYS) {
    const raw = task[key];
    (Array.isArray(raw) ? raw : [raw]).forEach((cond, i) => {
      const error = typeof cond === 'string' ? conditionSyntaxError(cond) : undefined;
      if (error) problems.push({ what: error, where: at(Array.isArray(raw) ? [key, i] : [key]), code: 'condition-syntax' });
    });
  }
  if (task.loop !== undefined && task.with_items !== undefined) {
    problems.push({ what: 'both "loop" and "with_items"', where: at(['with_items'], true), fix: 'keep only loop', code: 'schema' });
  }
  for (const key of ['loop', 'with_items'] as const) {
    const v = task[key];
    if (typeof v === 'string' && !isTemplated(v)) {
      problems.push({ what: `"${key}" must be a list or a template giving one`, where: at([key]), expected: `a list, or "{{ some_list }}"`, got: describeValue(v), code: 'schema' });
    }
  }
  return parsed.success ? parsed.data : {};
}

// The module's arguments (from its key and from `args:`) against the module's schema; undefined when they fail.
function checkArgs(c: Checking, task: Record<string, unknown>, { key: moduleKey, name: module }: { key: string; name: string }, keys: Partial<RawTaskKeys>): ModuleArgs | undefined {
  const { loc, problems } = c;
  const def = getModule(module)!;
  const shape = readModuleArgs(def, task[moduleKey]);
  if (!shape.ok) {
    problems.push({ what: `wrong type of arguments for module "${module}"`, where: c.at([moduleKey]), expected: shape.expected, got: describeValue(task[moduleKey]), code: 'schema' });
    return undefined;
  }
  const fromArgsKey = keys.args ?? {};
  const checked = checkModuleArgs(def, { ...fromArgsKey, ...shape.args }, { skipTemplated: true });
  if (checked.issues.length === 0) return { module, moduleKey, args: checked.args, fromModuleKey: shape.args, fromArgsKey };
  // An unknown key is usually a misspelt known one; the refinements that then miss it only repeat the problem.
  const unknownKey = checked.issues.some((i) => i.code === 'unrecognized_keys');
  for (const issue of checked.issues.filter((i) => !(unknownKey && i.code === 'custom'))) {
    const first = issue.path[0];
    // Arguments given under `args:` are found there in the YAML.
    const yamlKey = typeof first === 'string' && first in fromArgsKey && !(first in shape.args) ? 'args' : moduleKey;
    problems.push(
      ...zodProblems([issue], { source: loc.source, yamlPrefix: [...loc.yamlPath, yamlKey], displayPrefix: joinPath(loc.display, [module]), data: checked.args, schema: def.args }),
    );
  }
  return undefined;
}

// The {{ }} templates and command lines in the arguments, a templated loop and the loop label.
function checkStrings(c: Checking, task: Record<string, unknown>, a: ModuleArgs, keys: Partial<RawTaskKeys>): void {
  const { loc } = c;
  const strings: TaskString[] = [];
  for (const [k, v] of Object.entries(a.args)) {
    const yamlPath: PathSeg[] = typeof task[a.moduleKey] === 'string' ? [a.moduleKey] : k in a.fromArgsKey && !(k in a.fromModuleKey) ? ['args', k] : [a.moduleKey, k];
    stringsIn(v, yamlPath, [a.module, k], strings);
  }
  for (const key of ['loop', 'with_items'] as const) if (typeof task[key] === 'string') strings.push({ yamlPath: [key], display: [key], text: task[key] as string });
  if (keys.loop_control?.label !== undefined) strings.push({ yamlPath: ['loop_control', 'label'], display: ['loop_control', 'label'], text: keys.loop_control.label });
  c.problems.push(...stringProblems(a.module, strings, (s) => ({ ...posOf(loc.source, [...loc.yamlPath, ...s.yamlPath]), path: joinPath(loc.display, s.display) })));
}

// The checked keys, normalized: defaults filled in, snake_case keywords in camelCase, absent options left out.
function toTask(loc: TaskLocation, keys: Partial<RawTaskKeys>, a: ModuleArgs, rawArgs: unknown): Task {
  let loop = keys.loop;
  // with_items flattens one level, as Ansible's does.
  if (loop === undefined && keys.with_items !== undefined) loop = Array.isArray(keys.with_items) ? keys.with_items.flat(1) : keys.with_items;
  return {
    name: keys.name ?? defaultName(a.module, rawArgs, a.fromModuleKey),
    module: a.module,
    args: a.args,
    when: keys.when ?? [],
    notify: keys.notify ?? [],
    ...(keys.register !== undefined ? { register: keys.register } : {}),
    ...(keys.changed_when !== undefined ? { changedWhen: keys.changed_when } : {}),
    ...(keys.failed_when !== undefined ? { failedWhen: keys.failed_when } : {}),
    ignoreErrors: keys.ignore_errors ?? false,
    tags: keys.tags ?? [],
    ...(keys.retries !== undefined ? { retries: keys.retries } : {}),
    ...(keys.delay !== undefined ? { delay: keys.delay } : {}),
    ...(keys.until !== undefined ? { until: keys.until } : {}),
    ...(loop !== undefined ? { loop } : {}),
    loopVar: keys.loop_control?.loop_var ?? 'item',
    ...(keys.loop_control?.label !== undefined ? { loopLabel: keys.loop_control.label } : {}),
    ...(keys.become !== undefined ? { become: keys.become } : {}),
    ...(keys.become_user !== undefined ? { becomeUser: keys.become_user } : {}),
    ...(keys.check_mode !== undefined ? { checkMode: keys.check_mode } : {}),
    noLog: keys.no_log ?? false,
    listen: keys.listen ?? [],
    vars: keys.vars ?? {},
    pos: posOf(loc.source, loc.yamlPath),
    path: loc.display,
  };
}

// `command: ls -l` → "command: ls -l"; `copy: {dest: /etc/x, ...}` → "copy: /etc/x" (its first argument).
function defaultName(module: string, raw: unknown, args: Record<string, unknown>): string {
  const first = typeof raw === 'string' ? raw : Object.values(args).find((v) => typeof v === 'string' || typeof v === 'number');
  if (first === undefined) return module;
  const text = String(first).replace(/\s+/g, ' ').trim();
  return `${module}: ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
