// One task on one host: when → loop → render arguments → re-validate → module → changed_when/failed_when → until.
import { isAbsolute, relative } from 'node:path';
import { ProvisionError, ProvisionErrors, formatProblem, isUserError, type ProblemInfo, type Where } from '../errors.js';
import type { ModuleContext, ModuleDef } from '../modules/define.js';
import { getModule } from '../modules/registry.js';
import { evalCondition } from '../expr/expr.js';
import type { Play, Task } from '../playbook/types.js';
import type { Inventory } from '../inventory/types.js';
import { checkModuleArgs } from '../playbook/module-args.js';
import { buildVars } from '../playbook/vars.js';
import { renderValue } from '../template/value.js';
import { describeValue, joinPath, zodProblems } from '../source/yaml-source.js';
import type { Masker } from '../shell/secret.js';
import { becomeAs } from '../shell/quote.js';
import { UnreachableError, type Transport } from '../transport/types.js';
import type { HostResultEvent, HostStatus } from './events.js';
import { executeModule } from './execute.js';
import { addSecretVars } from './secrets.js';
import type { HostState } from './state.js';
import type { ProbeHooks } from './execute.js';

/** Where a task's probe output may already be waiting (the ProbeBatcher of probes.ts, which imports this file). */
export interface ProbeSource {
  hooks(task: Task, state: HostState): ProbeHooks;
}

/** What a task needs from the run around it. */
export interface TaskEnv {
  play: Play;
  inventory?: Inventory;
  playbookDir: string;
  templateDirs: string[];
  check: boolean;
  diff: boolean;
  extraVars: Record<string, unknown>;
  masker: Masker;
  verbose: number;
  transport(state: HostState): Promise<Transport>;
  killSignal?: AbortSignal;
  /** Aborted on the first interrupt: nothing new starts, and local reads stop. */
  stopSignal?: AbortSignal;
  /** Sends the probes of upcoming tasks in one script per host (src/runner/probes.ts); absent: one exec per probe. */
  probes?: ProbeSource;
}

/** The outcome of a task on a host, before it becomes an event. */
interface Outcome {
  status: HostStatus;
  msg?: string;
  result: Record<string, unknown>;
  diffs?: HostResultEvent['diffs'];
  commands?: string[];
  output?: unknown;
  facts?: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `task` on one host and returns its result event (the caller updates recap and state). */
export async function runTask(task: Task, state: HostState, env: TaskEnv, handler: boolean): Promise<HostResultEvent> {
  const started = Date.now();
  const where: Where = { file: task.pos.file, line: task.pos.line, col: task.pos.col, host: state.host.name, task: task.name };
  const base = {
    type: 'host.result' as const,
    host: state.host.name,
    play: env.play.name,
    task: task.name,
    at: `${task.pos.file}:${task.pos.line}:${task.pos.col}`,
    handler,
  };
  const finish = (o: Outcome, items?: HostResultEvent['items'], ignored?: boolean): HostResultEvent => {
    const hide = task.noLog;
    return {
      ...base,
      status: o.status,
      ...(ignored ? { ignored } : {}),
      ...(items ? { items: hide ? items.map((i) => ({ ...i, item: '(hidden by no_log)', msg: undefined })) : items } : {}),
      ...(o.msg !== undefined ? { msg: hide ? 'output hidden by no_log: true' : o.msg } : {}),
      ...(o.diffs && !hide ? { diffs: o.diffs } : {}),
      ...(o.commands && !hide ? { commands: o.commands } : {}),
      ...(o.output !== undefined && !hide ? { output: o.output } : {}),
      ...(!hide ? printed(o.result) : {}),
      durationMs: Date.now() - started,
    };
  };

  try {
    const vars = varsFor(task, state, env, {});
    if (task.when.length && !task.when.every((c) => evalCondition(c, vars, where))) {
      return finish({ status: 'skipped', msg: `condition false: ${task.when.join(' and ')}`, result: { skipped: true, changed: false } });
    }
    if (task.loop === undefined) {
      const o = await runWithRetries(task, state, env, vars, where);
      record(task, state, o);
      return finish(o, undefined, o.status === 'failed' && task.ignoreErrors);
    }
    const items = renderValue(task.loop, vars, { ...where, path: `${task.path}.loop` });
    if (!Array.isArray(items)) {
      throw new ProvisionError({
        what: 'loop must be a list',
        where: { ...where, path: `${task.path}.loop` },
        got: describeValue(items),
        fix: 'give loop a list, or a variable that holds one',
        code: 'loop',
      });
    }
    const outcomes: Outcome[] = [];
    const itemEvents: NonNullable<HostResultEvent['items']> = [];
    for (const item of items) {
      const o = await runWithRetries(task, state, env, varsFor(task, state, env, { [task.loopVar]: item }), where);
      outcomes.push(o);
      itemEvents.push({ item, status: o.status, ...(o.msg ? { msg: o.msg } : {}) });
      if (o.status === 'unreachable') break;
      // Apply each item's set_fact at once, so later items see it as Ansible does.
      if (o.facts) Object.assign(state.setFacts, o.facts);
    }
    const status: HostStatus = outcomes.some((o) => o.status === 'unreachable')
      ? 'unreachable'
      : outcomes.some((o) => o.status === 'failed')
        ? 'failed'
        : outcomes.some((o) => o.status === 'changed')
          ? 'changed'
          : outcomes.length && outcomes.every((o) => o.status === 'skipped')
            ? 'skipped'
            : 'ok';
    const merged: Outcome = {
      status,
      msg: outcomes.find((o) => o.status === 'failed' || o.status === 'unreachable')?.msg,
      result: { changed: status === 'changed', failed: status === 'failed', results: outcomes.map((o) => o.result) },
      diffs: outcomes.flatMap((o) => o.diffs ?? []),
      commands: outcomes.flatMap((o) => o.commands ?? []),
    };
    record(task, state, { ...merged, facts: undefined });
    return finish(merged, itemEvents, status === 'failed' && task.ignoreErrors);
  } catch (e) {
    if (e instanceof UnreachableError) return finish({ status: 'unreachable', msg: e.message + (e.fix ? `\n  fix: ${e.fix}` : ''), result: { unreachable: true } });
    if (isUserError(e)) {
      const o: Outcome = { status: 'failed', msg: failureText(e, task, env.masker), result: { failed: true, changed: false } };
      return finish(o, undefined, task.ignoreErrors);
    }
    throw e;
  }
}

/**
 * A user error of a task as one message starting at the task's file:line:col (host and task name are already on
 * the result line); a position in another file (a template's) follows it, so both are known. Its parts are masked
 * before they are formatted, because formatting shortens a long value and a cut secret no longer matches itself.
 */
function failureText(error: ProvisionError | ProvisionErrors, task: Task, masker: Masker): string {
  const at = `${task.pos.file}:${task.pos.line}:${task.pos.col}`;
  // Only the words: a position's numbers are not values, even when a short secret spells one.
  const masked = (p: ProblemInfo): ProblemInfo => ({ ...p, ...masker.maskValue({ what: p.what, expected: p.expected, got: p.got, fix: p.fix }) });
  if (error instanceof ProvisionErrors) return `${at}: ${error.problems.map((p) => formatProblem(masked(p))).join('\n')}`;
  const e = { problem: masked(error.problem) };
  const w = e.problem.where;
  // A template's absolute path reads better relative to where provision runs, as the playbook's own path does.
  const file = w?.file && isAbsolute(w.file) && !relative(process.cwd(), w.file).startsWith('..') ? relative(process.cwd(), w.file) : w?.file;
  const inner = file && w?.line !== undefined && file !== task.pos.file ? `${file}:${w.line}${w.col !== undefined ? `:${w.col}` : ''}` : undefined;
  return [at, inner, w?.path, formatProblem({ ...e.problem, where: undefined })].filter(Boolean).join(': ');
}

/** A result's stdout and stderr (when it has them and they are not empty). */
function printed(result: Record<string, unknown>): Pick<HostResultEvent, 'stdout' | 'stderr'> {
  const out: Pick<HostResultEvent, 'stdout' | 'stderr'> = {};
  if (typeof result.stdout === 'string' && result.stdout !== '') out.stdout = result.stdout;
  if (typeof result.stderr === 'string' && result.stderr !== '') out.stderr = result.stderr;
  return out;
}

/** Variables for this task on this host, by the documented precedence. */
export function varsFor(task: Task, state: HostState, env: TaskEnv, loop: Record<string, unknown>): Record<string, unknown> {
  const vars = buildVars({
    host: state.host,
    play: env.play,
    inventory: env.inventory,
    task: { ...task.vars, ...loop },
    facts: { ...(state.facts ? { facts: state.facts } : {}), ...state.setFacts },
    registered: state.registered,
    extra: env.extraVars,
  });
  // Values rendered, set or registered since the last task may be secrets the run has not seen in this form.
  addSecretVars(vars, env.masker);
  return vars;
}

function record(task: Task, state: HostState, o: Outcome): void {
  if (task.register) state.registered[task.register] = o.result;
  if (o.facts) Object.assign(state.setFacts, o.facts);
}

async function runWithRetries(task: Task, state: HostState, env: TaskEnv, vars: Record<string, unknown>, where: Where): Promise<Outcome> {
  const attempts = task.until ? (task.retries ?? 3) + 1 : 1;
  let o: Outcome = { status: 'failed', result: {} };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    o = await runOnce(task, state, env, vars, where);
    if (!task.until || o.status === 'unreachable') return o;
    const untilVars = { ...vars, ...(task.register ? { [task.register]: o.result } : {}), result: o.result };
    if (o.status !== 'failed' && task.until.every((c) => evalCondition(c, untilVars, where))) return { ...o, result: { ...o.result, attempts: attempt } };
    if (attempt < attempts) await sleep((task.delay ?? 5) * 1000);
  }
  return { ...o, status: 'failed', msg: `until condition still false after ${attempts} attempts: ${task.until!.join(' and ')}${o.msg ? `\n${o.msg}` : ''}`, result: { ...o.result, failed: true, attempts } };
}

async function runOnce(task: Task, state: HostState, env: TaskEnv, vars: Record<string, unknown>, where: Where): Promise<Outcome> {
  const def = getModule(task.module);
  if (!def) throw new ProvisionError({ what: `unknown module "${task.module}"`, where, code: 'unknown-module' });
  const args = parseArgs(def, renderValue(task.args, vars, { ...where, path: `${task.path}.${task.module}` }), task, where);
  const ctx = moduleContext(task, state, env, vars);
  if (task.noLog) env.masker.add(args);
  const out = await executeModule(def, args, ctx, lazyTransport(state, env), env.killSignal, env.probes?.hooks(task, state));
  // What a no_log task printed or set stays hidden when a later task shows it (its numbers, like rc, are not secrets).
  if (task.noLog) env.masker.add([stringsOf(out.result), out.plan.facts]);
  let changed = out.changed && !out.failed;
  let failed = out.failed;
  const result = { ...out.result };
  const condVars = () => ({ ...vars, ...(task.register ? { [task.register]: result } : {}), result });
  if (task.changedWhen && !failed) {
    changed = task.changedWhen.every((c) => evalCondition(c, condVars(), where));
    result.changed = changed;
  }
  if (task.failedWhen) {
    failed = task.failedWhen.some((c) => evalCondition(c, condVars(), where));
    result.failed = failed;
  }
  const msg = failed ? (out.message ?? `failed_when: ${task.failedWhen?.join(' or ')}`) : out.plan.note;
  return {
    status: failed ? 'failed' : changed ? 'changed' : 'ok',
    msg,
    result,
    diffs: out.plan.diffs,
    commands: out.applied.map((a) => a.step.describe),
    output: out.plan.result?.msg !== undefined && task.module === 'debug' ? out.plan.result.msg : undefined,
    facts: out.plan.facts,
  };
}

/** What a module sees of this task on this host (also used to predict its probe ahead of time). */
export function moduleContext(task: Task, state: HostState, env: TaskEnv, vars: Record<string, unknown>): ModuleContext {
  const wanted = task.become ?? (env.play.become || state.host.connection.become || false);
  const becomeUser = task.becomeUser ?? env.play.becomeUser ?? state.host.connection.becomeUser ?? 'root';
  return {
    host: state.host.name,
    vars,
    facts: state.facts,
    check: task.checkMode ?? env.check,
    diff: env.diff,
    become: becomeAs(wanted, becomeUser, state.host.connection.user),
    playbookDir: env.playbookDir,
    templateDirs: env.templateDirs,
    masker: env.masker,
    signal: env.stopSignal,
  };
}

/** Arguments are checked again after templating, against the module's schema, with the task's position. */
export function parseArgs(def: ModuleDef, rendered: unknown, task: Task, where: Where): unknown {
  // The same friendly conversions as at load time (yes → true, "22" → 22), then the schema's own parse for defaults.
  const checked = checkModuleArgs(def, (rendered ?? {}) as Record<string, unknown>);
  const parsed = def.args.safeParse(checked.args);
  if (parsed.success) return parsed.data;
  // The first problem, in the loader's words (expected, got), marked as found after templating.
  const [problem] = zodProblems(parsed.error.issues, { yamlPrefix: [], displayPrefix: joinPath(task.path, [task.module]), data: checked.args, schema: def.args });
  throw new ProvisionError({
    ...problem,
    what: `${problem.what} (after templating)`,
    where: { ...where, path: problem.where?.path },
    fix: problem.fix ?? 'check the variables used in this argument (run with -e to override one)',
    code: 'args',
  });
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

/** Connects on the first command only, so control-side modules (debug, set_fact, assert) never open a connection. */
function lazyTransport(state: HostState, env: TaskEnv): Transport {
  return {
    name: state.host.name,
    get roundTrips() {
      return 0;
    },
    exec: async (command, options) => (await env.transport(state)).exec(command, options),
    close: async () => {},
  };
}
