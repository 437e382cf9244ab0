// Playbook file → validated Playbook. The whole file (and its vars_files) is checked before anything runs, and
// every problem is reported at once, each at its file:line:col.
import path from 'node:path';
import { ProvisionError, ProvisionErrors, type ProblemInfo } from '../errors.js';
import { isTemplated } from '../template/render.js';
import { TASK_KEYS, UNSUPPORTED_KEYS, playSchema } from './schema.js';
import { resolveModuleName } from './module-args.js';
import { loadDefaultCollections } from '../collections/load.js';
import { loadLocalCollections } from '../collections/local.js';
import { loadLocalModules } from '../modules/local.js';
import { didYouMean } from '../source/suggest.js';
import { checkImportedNotify, importCycle, parseTaskList } from './import-tasks.js';
import { importFanOut } from './import-count.js';
import type { Play, Playbook, Task } from './types.js';
import { readSourceFile } from '../source/yaml-checks.js';
import { readVarsFile } from '../source/vars-file.js';
import { describeValue, joinPath, parseYaml, posOf, sortProblems, zodProblems, type PathSeg, type YamlSource } from '../source/yaml-source.js';

/** Reads, parses and validates a playbook file; throws ProvisionErrors listing every problem found. */
export async function loadPlaybook(file: string, importing: string[] = []): Promise<Playbook> {
  return loadPlaybookFromString(await readSourceFile(file, 'playbook'), file, importing);
}

/** Where playbook text held in memory comes from. */
export interface PlaybookSource {
  /** Its name in errors, and the anchor of its relative paths (default: `playbook.yml`, in `dir`). */
  file?: string;
  /** The folder a relative `file` is in: its modules/, vars_files and imports are found from here (default: the current folder). */
  dir?: string;
}

/** Like loadPlaybook, for text already in memory (`from` as a string is the file's name). */
export async function loadPlaybookFromString(text: string, from: string | PlaybookSource = {}, importing: string[] = []): Promise<Playbook> {
  const file = typeof from === 'string' ? from : sourceFile(from);
  const dir = path.dirname(path.resolve(file));
  await loadDefaultCollections();
  await loadLocalCollections(dir);
  await loadLocalModules(dir);
  const parsed = parseYaml(text, file);
  if (parsed.problems.length > 0) throw new ProvisionErrors(parsed.problems);
  const { source, value } = parsed;
  const problems: ProblemInfo[] = [];
  const plays: Play[] = [];
  if (!Array.isArray(value) || value.length === 0) {
    const single = value !== null && typeof value === 'object' && !Array.isArray(value) && 'hosts' in value;
    throw new ProvisionErrors([
      {
        what: value === null || value === undefined || (Array.isArray(value) && value.length === 0) ? 'the playbook is empty' : 'a playbook must be a list of plays',
        where: { ...posOf(source, []), path: 'plays' },
        expected: 'a list of plays (- hosts: ...)',
        got: describeValue(value),
        ...(single ? { fix: 'start the play with "- " (a playbook is a list of plays)' } : {}),
        code: 'schema',
      },
    ]);
  }
  // Counted before anything is expanded: the playbook itself checks for all the files it imports.
  const fanOut = importing.length === 0 ? await importFanOut(value, source) : undefined;
  if (fanOut) throw new ProvisionErrors([fanOut]);
  for (let i = 0; i < value.length; i++) {
    const item = value[i] as Record<string, unknown> | null;
    if (item && typeof item === 'object' && !Array.isArray(item) && 'import_playbook' in item) {
      plays.push(...(await importPlaybook(item, i, file, dir, source, importing, problems)));
      continue;
    }
    const play = await parsePlay(value[i], i, source, problems);
    if (play) plays.push(play);
  }
  if (problems.length > 0) throw new ProvisionErrors(sortProblems(problems, file));
  return { file, dir, plays };
}

/** The name playbook text held in memory goes by: its file inside its folder, as given (relative stays relative). */
export function sourceFile({ file = 'playbook.yml', dir }: PlaybookSource): string {
  return dir === undefined || path.isAbsolute(file) ? file : path.join(dir, file);
}

async function parsePlay(raw: unknown, i: number, source: YamlSource, problems: ProblemInfo[]): Promise<Play | undefined> {
  const display = `plays[${i}]`;
  const at = (p: PathSeg[], key = false) => ({ ...posOf(source, [i, ...p], { key }), path: joinPath(display, p) });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ what: 'a play must be a mapping', where: at([]), expected: 'hosts: ..., tasks: [...]', got: describeValue(raw), code: 'schema' });
    return undefined;
  }
  const before = problems.length;
  const play: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) {
    if (Object.hasOwn(UNSUPPORTED_KEYS, key)) problems.push({ what: `"${key}" is not supported`, where: at([key], true), fix: UNSUPPORTED_KEYS[key], code: 'unsupported' });
    else play[key] = v;
  }
  const parsed = playSchema.safeParse(play);
  if (!parsed.success) {
    for (const problem of zodProblems(parsed.error.issues, { source, yamlPrefix: [i], displayPrefix: display, data: play, schema: playSchema })) {
      // A task key at play level is a common slip: the task is not indented under tasks:.
      const key = /^unknown key "(.*)"$/.exec(problem.what)?.[1];
      if (key && !problem.fix && (resolveModuleName(key) || TASK_KEYS.includes(key))) problem.fix = `"${key}" belongs to a task: put the task under tasks:`;
      if (problem.what === 'missing required key "hosts"') problem.fix = 'add hosts: with the group or host the play is for (or all)';
      // `tasks:` followed by one task's keys, without the "- " that makes a list.
      if (/^plays\[\d+\]\.(tasks|handlers)$/.test(problem.where?.path ?? '') && problem.got === 'a mapping') problem.fix = 'start each task with "- " (a list of tasks)';
      problems.push(problem);
    }
  }
  const tasks = await parseTasks(play.tasks, 'tasks', i, source, problems);
  const handlers = await parseTasks(play.handlers, 'handlers', i, source, problems);
  checkNotify(play.tasks, play.handlers, i, source, problems);
  checkImportedNotify(tasks, handlers, source.file, problems);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  const varsFromFiles = await loadVarsFiles(source.file, p.vars_files ?? [], Array.isArray(play.vars_files), at, problems);
  if (problems.length > before) return undefined;
  const hosts = Array.isArray(p.hosts) ? p.hosts.join(',') : p.hosts;
  return {
    name: p.name ?? hosts,
    hosts,
    hostsPos: posOf(source, [i, 'hosts']),
    defaults: p.defaults ?? {},
    vars: p.vars ?? {},
    varsFromFiles,
    become: p.become ?? false,
    ...(p.become_user !== undefined ? { becomeUser: p.become_user } : {}),
    gatherFacts: p.gather_facts ?? true,
    serial: p.serial === undefined ? [] : Array.isArray(p.serial) ? p.serial : [p.serial],
    ...(p.max_fail_percentage !== undefined ? { maxFailPercentage: p.max_fail_percentage } : {}),
    anyErrorsFatal: p.any_errors_fatal ?? false,
    tasks,
    handlers,
    pos: posOf(source, [i]),
    path: display,
  };
}

function parseTasks(raw: unknown, section: 'tasks' | 'handlers', i: number, source: YamlSource, problems: ProblemInfo[]): Promise<Task[]> {
  return parseTaskList(raw, { source, yamlPath: [i, section], display: `plays[${i}].${section}`, handler: section === 'handlers', importing: [] }, problems);
}

// A notify that names no handler would silently never run: Ansible fails at run time, we fail before. Read from
// the raw YAML so that tasks with other problems are checked too.
function checkNotify(tasks: unknown, handlers: unknown, i: number, source: YamlSource, problems: ProblemInfo[]): void {
  const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const topics = new Set(
    (Array.isArray(handlers) ? handlers : []).flatMap((h) => (h !== null && typeof h === 'object' ? [...strings((h as Record<string, unknown>).name), ...strings((h as Record<string, unknown>).listen)] : [])),
  );
  (Array.isArray(tasks) ? tasks : []).forEach((task, j) => {
    if (task === null || typeof task !== 'object') return;
    const notify = (task as Record<string, unknown>).notify;
    strings(notify).forEach((name, k) => {
      if (topics.has(name) || isTemplated(name)) return;
      const yamlPath: PathSeg[] = [i, 'tasks', j, 'notify', ...(Array.isArray(notify) ? [k] : [])];
      const problem: ProblemInfo = {
        what: `notify names no handler: "${name}"`,
        where: { ...posOf(source, yamlPath), path: joinPath(`plays[${i}].tasks[${j}]`, yamlPath.slice(3)) },
        expected: topics.size > 0 ? `one of ${[...topics].map((t) => `"${t}"`).join(', ')}` : 'a handler of this play (the play has none)',
        code: 'unknown-handler',
      };
      const hint = didYouMean(name, topics);
      if (hint) problem.fix = hint;
      problems.push(problem);
    });
  });
}

async function loadVarsFiles(
  playbookFile: string,
  files: string[],
  isList: boolean,
  at: (p: PathSeg[]) => ProblemInfo['where'],
  problems: ProblemInfo[],
): Promise<Record<string, unknown>> {
  const merged: Record<string, unknown> = {};
  for (let k = 0; k < files.length; k++) {
    const entry = files[k];
    const where = at(isList ? ['vars_files', k] : ['vars_files']);
    if (isTemplated(entry)) {
      problems.push({ what: 'templated vars_files paths are not supported', where, got: JSON.stringify(entry), fix: 'name the file directly (or pass the variables with -e @file.yml)', code: 'vars-files' });
      continue;
    }
    // Shown as the playbook was named (relative stays relative); read relative to the playbook.
    const file = path.isAbsolute(entry) ? entry : path.join(path.dirname(playbookFile), entry);
    const read = await readVarsFile(file, { code: 'vars-files', from: where, problems, collectUnreadable: true });
    if (read) Object.assign(merged, read.vars);
  }
  return merged;
}

/** `- import_playbook: other.yml`: the other file's plays, in place, resolved relative to this playbook. */
async function importPlaybook(
  item: Record<string, unknown>,
  i: number,
  file: string,
  dir: string,
  source: YamlSource,
  importing: string[],
  problems: ProblemInfo[],
): Promise<Play[]> {
  const at = (p: PathSeg[]) => ({ ...posOf(source, [i, ...p]), path: joinPath(`plays[${i}]`, p) });
  const extra = Object.keys(item).filter((k) => k !== 'import_playbook' && k !== 'name');
  const target = item.import_playbook;
  if (typeof target !== 'string' || target === '' || extra.length > 0) {
    problems.push({
      what: typeof target !== 'string' || target === '' ? 'import_playbook needs a file name' : `import_playbook takes no other keys (got ${extra.join(', ')})`,
      where: at(typeof target !== 'string' ? ['import_playbook'] : []),
      expected: '- import_playbook: verify.yml',
      code: 'schema',
    });
    return [];
  }
  const resolved = path.resolve(dir, target);
  const chain = [...importing, path.resolve(file)];
  if (chain.includes(resolved)) {
    problems.push(importCycle('import_playbook', 'a playbook', [...chain, resolved], at(['import_playbook'])));
    return [];
  }
  try {
    return (await loadPlaybook(path.relative(process.cwd(), resolved) || resolved, chain)).plays;
  } catch (e) {
    if (e instanceof ProvisionErrors) problems.push(...e.problems);
    else if (e instanceof ProvisionError) problems.push({ ...e.problem, where: e.problem.where ?? at(['import_playbook']) });
    else throw e;
    return [];
  }
}
