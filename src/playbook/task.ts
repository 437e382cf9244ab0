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

/** Checks one task; pushes every problem found onto `problems` and returns the Task when it is usable. */
export function parseTask(raw: unknown, loc: TaskLocation, problems: ProblemInfo[]): Task | undefined {
  const at = (p: PathSeg[], key = false) => ({ ...posOf(loc.source, [...loc.yamlPath, ...p], { key }), path: joinPath(loc.display, p) });
  const kind = loc.handler ? 'handler' : 'task';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ what: `a ${kind} must be a mapping`, where: at([]), expected: `name: ... and one module, e.g. command: ...`, got: describeValue(raw), code: 'schema' });
    return undefined;
  }
  const task = raw as Record<string, unknown>;
  const commonKeys = loc.handler ? HANDLER_KEYS : TASK_KEYS;
  const common: Record<string, unknown> = {};
  const modules: { key: string; name: string }[] = [];
  const unknown: string[] = [];
  const before = problems.length;
  for (const key of Object.keys(task)) {
    if (commonKeys.includes(key)) common[key] = task[key];
    else if (Object.hasOwn(UNSUPPORTED_KEYS, key)) problems.push({ what: `"${key}" is not supported`, where: at([key], true), fix: UNSUPPORTED_KEYS[key], code: 'unsupported' });
    else {
      const name = resolveModuleName(key);
      if (name) modules.push({ key, name });
      else unknown.push(key);
    }
  }
  const names = moduleNames();
  for (const key of unknown) {
    const asModule = modules.length === 0;
    const problem: ProblemInfo = {
      what: asModule ? `unknown module "${key}"` : `unknown ${kind} key "${key}"`,
      where: at([key], true),
      expected: asModule ? `a module (${names.join(', ')})` : `one of ${commonKeys.join(', ')}`,
      code: asModule ? 'unknown-module' : 'unknown-key',
    };
    const hint = key === 'listen' ? 'only handlers listen; notify the handler by name' : didYouMean(key, asModule ? [...names, ...commonKeys] : [...commonKeys, ...names]);
    if (hint) problem.fix = hint;
    problems.push(problem);
  }
  if (modules.length === 0 && unknown.length === 0 && problems.length === before) {
    problems.push({ what: `${kind} has no module`, where: at([]), expected: `one module key (${names.join(', ')})`, code: 'no-module' });
  }
  if (modules.length > 1) {
    problems.push({
      what: `${kind} has ${modules.length} modules: ${modules.map((m) => `"${m.key}"`).join(', ')}`,
      where: at([modules[1].key], true),
      expected: 'exactly one module per task',
      fix: 'split it into one task per module',
      code: 'two-modules',
    });
  }

  const schema = loc.handler ? handlerKeysSchema : taskKeysSchema;
  const parsed = schema.safeParse(common);
  if (!parsed.success) {
    problems.push(...zodProblems(parsed.error.issues, { source: loc.source, yamlPrefix: loc.yamlPath, displayPrefix: loc.display, data: common, schema }));
  }
  const keys: Partial<RawTaskKeys> = parsed.success ? parsed.data : {};
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

  if (modules.length !== 1) return undefined;
  const { key: moduleKey, name: module } = modules[0];
  const def = getModule(module)!;
  const shape = readModuleArgs(def, task[moduleKey]);
  if (!shape.ok) {
    problems.push({ what: `wrong type of arguments for module "${module}"`, where: at([moduleKey]), expected: shape.expected, got: describeValue(task[moduleKey]), code: 'schema' });
    return undefined;
  }
  const fromArgsKey = keys.args ?? {};
  const checked = checkModuleArgs(def, { ...fromArgsKey, ...shape.args }, { skipTemplated: true });
  if (checked.issues.length > 0) {
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
  const strings: TaskString[] = [];
  for (const [k, v] of Object.entries(checked.args)) {
    const yamlPath: PathSeg[] = typeof task[moduleKey] === 'string' ? [moduleKey] : k in fromArgsKey && !(k in shape.args) ? ['args', k] : [moduleKey, k];
    stringsIn(v, yamlPath, [module, k], strings);
  }
  for (const key of ['loop', 'with_items'] as const) if (typeof task[key] === 'string') strings.push({ yamlPath: [key], display: [key], text: task[key] as string });
  if (keys.loop_control?.label !== undefined) strings.push({ yamlPath: ['loop_control', 'label'], display: ['loop_control', 'label'], text: keys.loop_control.label });
  problems.push(...stringProblems(module, strings, (s) => ({ ...posOf(loc.source, [...loc.yamlPath, ...s.yamlPath]), path: joinPath(loc.display, s.display) })));
  if (problems.length > before) return undefined;

  let loop = keys.loop;
  // with_items flattens one level, as Ansible's does.
  if (loop === undefined && keys.with_items !== undefined) loop = Array.isArray(keys.with_items) ? keys.with_items.flat(1) : keys.with_items;
  return {
    name: keys.name ?? defaultName(module, task[moduleKey], shape.args),
    module,
    args: checked.args,
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
