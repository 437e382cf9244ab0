// Probe batching. When a task on a host needs a probe that was not sent yet, the probes of the tasks after it that
// can be predicted now (arguments rendered with the variables known now, `when` decided, set_fact simulated) go
// with it in ONE remote script, each answer framed so they can be split. A later task uses a batched answer only
// when its real probe script is byte-identical to the one sent, and only while nothing changed the host since:
// the first step that may change the host drops every answer still held. Modules are untouched: a probe is a
// pure script + parser, so running it a little earlier in a batch gives the parser the same bytes.
import { randomBytes } from 'node:crypto';
import { getModule } from '../modules/registry.js';
import { evalCondition } from '../expr/expr.js';
import type { Task } from '../playbook/types.js';
import { renderValue } from '../template/value.js';
import { join, sh, wrap, type ShellText } from '../shell/quote.js';
import type { ExecResult } from '../transport/types.js';
import type { ProbeHooks } from './execute.js';
import type { HostState } from './state.js';
import { moduleContext, parseArgs, varsFor, type TaskEnv } from './task.js';

// Framing lines start with this; probe output is base64-encoded, so no probe can print one.
const MARK = `__provision_probe_${randomBytes(6).toString('hex')}`;

/** How many probes were answered which way (for tests and the benchmark). */
export interface ProbeStats {
  /** Batches sent (one round trip each). */
  batches: number;
  /** Probes sent inside batches (the one needed at once included). */
  batched: number;
  /** Probes sent alone (one round trip each). */
  single: number;
  /** Probes answered from a batch sent earlier (no round trip). */
  hits: number;
}

/** One host's batched answers, valid until the host changes. */
interface HostProbes {
  /** By probe script: the answer, and how many predicted asks it still serves. */
  answers: Map<string, { result: ExecResult; uses: number }>;
  /** A step changed (or may have changed) the host since the last batch: the next probe goes alone. */
  changedSinceBatch: boolean;
}

/** Batches probes per host for one play's task list. */
export class ProbeBatcher {
  readonly stats: ProbeStats = { batches: 0, batched: 0, single: 0, hits: 0 };
  #hosts = new WeakMap<HostState, HostProbes>();

  /**
   * @param env the play's task environment (variables, templates, transports)
   * @param upcoming the tasks that run after `task` in this play (none for handlers)
   */
  constructor(
    private readonly env: TaskEnv,
    private readonly upcoming: (task: Task) => Task[],
  ) {}

  /** The hooks executeModule uses for `task` on the host of `state`. */
  hooks(task: Task, state: HostState): ProbeHooks {
    let hp = this.#hosts.get(state);
    if (!hp) this.#hosts.set(state, (hp = { answers: new Map(), changedSinceBatch: false }));
    const host = hp;
    return {
      probe: (script, signal) => this.#probe(host, task, state, script, signal),
      changing: () => {
        host.answers.clear();
        host.changedSinceBatch = true;
      },
      // A task that changed nothing (its steps were a daemon-reload, say) is no sign of a converge from scratch:
      // the next probe may batch again (the answers it may have outdated stay dropped).
      done: (changed) => {
        if (!changed) host.changedSinceBatch = false;
      },
    };
  }

  async #probe(hp: HostProbes, task: Task, state: HostState, script: ShellText, signal?: AbortSignal): Promise<ExecResult> {
    const held = hp.answers.get(script.text);
    if (held) {
      // Each answer serves as many asks as were predicted: a retried task (until) asks the host again.
      if (--held.uses === 0) hp.answers.delete(script.text);
      this.stats.hits++;
      return held.result;
    }
    const transport = await this.env.transport(state);
    // Right after a change, predictions are likely to be dropped by the next change too (a converge from scratch
    // changes nearly every task): probe alone once, and batch again when a task changed nothing.
    const predict = !hp.changedSinceBatch;
    hp.changedSinceBatch = false;
    const uses = new Map<string, number>();
    const scripts = new Map<string, ShellText>([[script.text, script]]);
    if (predict) {
      for (const p of await predictProbes([task, ...this.upcoming(task)], state, this.env)) {
        uses.set(p.text, (uses.get(p.text) ?? 0) + 1);
        scripts.set(p.text, p);
      }
    }
    // The asking task predicted its own probe: that use is this one.
    if (uses.has(script.text)) uses.set(script.text, uses.get(script.text)! - 1);
    const others = [...uses.keys()].filter((text) => text !== script.text);
    if (!others.length) {
      this.stats.single++;
      const result = await transport.exec(script, { signal });
      // Later tasks that send the very same probe (three ufw rules read the same state) use this answer.
      if (uses.get(script.text) && result.code !== null) hp.answers.set(script.text, { result, uses: uses.get(script.text)! });
      return result;
    }
    const all = [script.text, ...others];
    const result = await transport.exec(wrap(batchScript(all.map((text) => scripts.get(text)!)), false), { signal });
    const answers = parseBatch(result.stdout, all.length);
    this.stats.batches++;
    this.stats.batched += all.length;
    all.forEach((text, i) => {
      const answer = answers[i];
      if (answer && uses.get(text)) hp.answers.set(text, { result: answer, uses: uses.get(text)! });
    });
    if (answers[0]) return answers[0];
    // The batch did not run (no mktemp or base64 on the host, killed): the probe alone, as without batching.
    this.stats.single++;
    return transport.exec(script, { signal });
  }
}

/** Options of predictProbes. */
export interface PredictOptions {
  /**
   * Also simulate control-side modules that have a prepare step (reading and rendering a template, a collection's
   * module that makes a password). Off in runs: a prepare may have effects on the control machine (creating a
   * password file) that must not happen before the task's turn. The
   * benchmark turns it on to list every probe of a playbook.
   */
  runPrepare?: boolean;
}

/**
 * The wrapped probe scripts that `tasks` would send on this host if they ran now, in order. set_fact (and any
 * module with neither probe nor prepare) is simulated, so later tasks see its variables. A task whose `when`,
 * loop or arguments cannot be decided yet (a registered result, a template variable set later) is left out.
 */
export async function predictProbes(tasks: Task[], state: HostState, env: TaskEnv, options: PredictOptions = {}): Promise<ShellText[]> {
  const view: HostState = { ...state, setFacts: { ...state.setFacts } };
  const out: ShellText[] = [];
  for (const task of tasks) {
    const def = getModule(task.module);
    if (!def || (!def.probe && def.prepare && !options.runPrepare)) continue;
    const where = { file: task.pos.file, line: task.pos.line, col: task.pos.col, host: state.host.name, task: task.name };
    try {
      const vars = varsFor(task, view, env, {});
      if (task.when.length && !task.when.every((c) => evalCondition(c, vars, where))) continue;
      const items = task.loop === undefined ? [undefined] : renderValue(task.loop, vars, where);
      if (!Array.isArray(items)) continue;
      for (const item of items) {
        const itemVars = task.loop === undefined ? vars : varsFor(task, view, env, { [task.loopVar]: item });
        const args = parseArgs(def, renderValue(task.args, itemVars, where), task, where);
        const ctx = moduleContext(task, view, env, itemVars);
        if (!def.probe) {
          const input = def.prepare ? await def.prepare(args, ctx) : args;
          Object.assign(view.setFacts, def.plan(input, undefined, ctx).facts ?? {});
          continue;
        }
        const input = def.prepare ? await def.prepare(args, ctx) : args;
        const probe = def.probe(input, ctx);
        if (probe) out.push(wrap(probe.script, ctx.become));
      }
    } catch {
      // Not predictable now: probed when its turn comes.
    }
  }
  return out;
}

/** One remote script that runs each probe in turn (stdin empty, as alone) and prints one framed line per probe. */
export function batchScript(probes: ShellText[]): ShellText {
  return join([
    sh`d=$(mktemp -d) || exit 97`,
    sh`trap 'rm -rf "$d"' EXIT`,
    ...probes.map(
      (p, i) =>
        // base64 only runs for output there is (`[ -s ]` is built in): mostly stderr is empty, and every process
        // started costs the host CPU, which a no-op run should spend on nothing but the probes themselves.
        sh`${p} </dev/null >"$d/o" 2>"$d/e"; c=$?; printf '%s %s %s ' ${MARK} ${i} "$c"; [ -s "$d/o" ] && base64 -w0 <"$d/o"; printf ' '; [ -s "$d/e" ] && base64 -w0 <"$d/e"; echo`,
    ),
  ]);
}

/** Splits a batch's output into one result per probe (undefined for a probe whose line is missing). */
export function parseBatch(stdout: string, count: number): (ExecResult | undefined)[] {
  const out: (ExecResult | undefined)[] = new Array(count).fill(undefined);
  const line = new RegExp(`^${MARK} (\\d+) (\\d+) ([A-Za-z0-9+/=]*) ([A-Za-z0-9+/=]*)$`, 'gm');
  for (const m of stdout.matchAll(line)) {
    const i = Number(m[1]);
    if (i < count) out[i] = { stdout: Buffer.from(m[3], 'base64').toString('utf8'), stderr: Buffer.from(m[4], 'base64').toString('utf8'), code: Number(m[2]) };
  }
  return out;
}
