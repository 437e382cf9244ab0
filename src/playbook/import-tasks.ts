// `- import_tasks: common.yml` in a play's tasks: the tasks of another file, in place, read when the playbook is
// loaded (a static import, as in Ansible), so they are checked with everything else before anything runs.
import path from 'node:path';
import { isTemplated } from '../template/render.js';
import type { ProblemInfo } from '../errors.js';
import { ProvisionError } from '../errors.js';
import { didYouMean } from '../source/suggest.js';
import { parseTask } from './task.js';
import type { Task } from './types.js';
import { describeFileValue, describeValue, joinPath, posOf, readYaml, type PathSeg, type YamlSource } from '../source/yaml-source.js';

/** Where a list of tasks sits, and the files that imported it (to refuse cycles). */
export interface TaskListLocation {
  source: YamlSource;
  yamlPath: PathSeg[];
  display: string;
  handler: boolean;
  importing: string[];
}

/** The keys an import_tasks entry may carry besides the file: they apply to every task it brings in. */
const IMPORT_KEYS = ['import_tasks', 'name', 'when', 'tags', 'vars'];

const strings = (v: unknown): string[] | undefined =>
  typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

/** Checks a list of tasks (or handlers), expanding import_tasks entries; pushes every problem onto `problems`. */
export async function parseTaskList(raw: unknown, loc: TaskListLocation, problems: ProblemInfo[]): Promise<Task[]> {
  if (!Array.isArray(raw)) return [];
  const out: Task[] = [];
  for (const [j, t] of raw.entries()) {
    const here = { source: loc.source, yamlPath: [...loc.yamlPath, j], display: `${loc.display}[${j}]`, handler: loc.handler };
    if (!loc.handler && t !== null && typeof t === 'object' && !Array.isArray(t) && 'import_tasks' in t) {
      out.push(...(await importTasks(t as Record<string, unknown>, here, loc.importing, problems)));
      continue;
    }
    const task = parseTask(t, here, problems);
    if (task) out.push(task);
  }
  return out;
}

async function importTasks(
  item: Record<string, unknown>,
  loc: { source: YamlSource; yamlPath: PathSeg[]; display: string },
  importing: string[],
  problems: ProblemInfo[],
): Promise<Task[]> {
  const at = (p: PathSeg[], key = false) => ({ ...posOf(loc.source, [...loc.yamlPath, ...p], { key }), path: joinPath(loc.display, p) });
  const before = problems.length;
  for (const key of Object.keys(item).filter((k) => !IMPORT_KEYS.includes(k))) {
    const hint = didYouMean(key, IMPORT_KEYS);
    problems.push({
      what: `import_tasks takes no key "${key}"`,
      where: at([key], true),
      expected: `one of ${IMPORT_KEYS.join(', ')}`,
      fix: hint ?? 'put it on the imported tasks themselves',
      code: 'schema',
    });
  }
  const target = item.import_tasks;
  if (typeof target !== 'string' || target.trim() === '' || isTemplated(target)) {
    problems.push({
      what: typeof target === 'string' && isTemplated(target) ? 'import_tasks is read when the playbook loads: its file name cannot be a template' : 'import_tasks needs a file name',
      where: at(['import_tasks']),
      expected: '- import_tasks: tasks/common.yml',
      got: describeValue(target),
      code: 'schema',
    });
  }
  const when = item.when === undefined ? [] : strings(item.when);
  const tags = item.tags === undefined ? [] : strings(item.tags);
  const vars = item.vars ?? {};
  if (when === undefined) problems.push({ what: 'wrong type', where: at(['when']), expected: 'a condition or a list of them', got: describeValue(item.when), code: 'schema' });
  if (tags === undefined) problems.push({ what: 'wrong type', where: at(['tags']), expected: 'a tag or a list of tags', got: describeValue(item.tags), code: 'schema' });
  if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) {
    problems.push({ what: 'wrong type', where: at(['vars']), expected: 'a mapping of name: value', got: describeValue(vars), code: 'schema' });
  }
  if (problems.length > before || typeof target !== 'string' || !when || !tags) return [];

  // Relative to the file that imports it, as Ansible resolves a static import first.
  const resolved = path.resolve(path.dirname(loc.source.file), target);
  const chain = importing.length > 0 ? importing : [path.resolve(loc.source.file)];
  if (chain.includes(resolved)) {
    problems.push(importCycle('import_tasks', 'a tasks file', [...chain, resolved], at(['import_tasks'])));
    return [];
  }
  const shown = path.relative(process.cwd(), resolved) || resolved;
  let parsed;
  try {
    parsed = await readYaml(shown, 'tasks file', at(['import_tasks']));
  } catch (e) {
    if (e instanceof ProvisionError) {
      problems.push({ ...e.problem, where: e.problem.where ?? at(['import_tasks']) });
      return [];
    }
    throw e;
  }
  if (parsed.problems.length > 0) {
    problems.push(...parsed.problems);
    return [];
  }
  if (!Array.isArray(parsed.value) || parsed.value.length === 0) {
    problems.push({
      what: parsed.value === undefined || parsed.value === null || Array.isArray(parsed.value) ? 'the tasks file is empty' : 'a tasks file must be a list of tasks',
      where: { ...posOf(parsed.source, []), path: 'tasks' },
      expected: 'a list of tasks (- name: ...)',
      got: describeFileValue(parsed.value),
      fix: `imported by ${loc.source.file}:${at([]).line}:${at([]).col}`,
      code: 'schema',
    });
    return [];
  }
  const tasks = await parseTaskList(parsed.value, { source: parsed.source, yamlPath: [], display: 'tasks', handler: false, importing: [...chain, resolved] }, problems);
  return tasks.map((t) => ({
    ...t,
    when: [...when, ...t.when],
    tags: [...new Set([...tags, ...t.tags])],
    vars: { ...(vars as Record<string, unknown>), ...t.vars },
  }));
}

/** The problem of an import that would read a file already being read (`chain` ends with that file again). */
export function importCycle(key: 'import_tasks' | 'import_playbook', subject: string, chain: string[], where: ProblemInfo['where']): ProblemInfo {
  return {
    what: `${key} cycle: ${chain.map((f) => path.relative(process.cwd(), f)).join(' → ')}`,
    where,
    fix: `remove this ${key} (${subject} cannot import itself, directly or through others)`,
    code: 'import-cycle',
  };
}

/**
 * A notify in an imported task that names no handler of the play: the check the loader makes on the play's own
 * tasks, made on the parsed tasks that came from other files.
 */
export function checkImportedNotify(tasks: Task[], handlers: Task[], playFile: string, problems: ProblemInfo[]): void {
  const topics = new Set(handlers.flatMap((h) => [h.name, ...h.listen]));
  for (const t of tasks.filter((task) => task.pos.file !== playFile)) {
    for (const name of t.notify) {
      if (topics.has(name) || isTemplated(name)) continue;
      const problem: ProblemInfo = {
        what: `notify names no handler: "${name}"`,
        where: { ...t.pos, path: `${t.path}.notify` },
        expected: topics.size > 0 ? `one of ${[...topics].map((n) => `"${n}"`).join(', ')}` : 'a handler of the importing play (it has none)',
        code: 'unknown-handler',
      };
      const hint = didYouMean(name, topics);
      if (hint) problem.fix = hint;
      problems.push(problem);
    }
  }
}
