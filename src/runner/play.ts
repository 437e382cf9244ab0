// One play: its hosts in batches (serial), each batch task by task (linear: each task on every host of the batch,
// then the next), then the batch's notified handlers.
import type PQueue from 'p-queue';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Play, Task } from '../playbook/types.js';
import type { Masker } from '../shell/secret.js';
import type { Transport } from '../transport/types.js';
import { splitBatches, shouldAbort } from './batches.js';
import type { EventListener, HostResultEvent } from './events.js';
import { gatherFacts } from './gather.js';
import type { RunOptions } from './options.js';
import { ProbeBatcher } from './probes.js';
import { inShard } from './shard.js';
import { isActive, type HostState } from './state.js';
import { runTask, type TaskEnv } from './task.js';

/** What every play of a run shares: the options, the hosts' states and connections, the queue, the events. */
export interface RunContext {
  options: RunOptions;
  masker: Masker;
  /** Sends an event to the listener, masked. */
  emit: EventListener;
  states: Map<string, HostState>;
  /** A host's state, made on first use. */
  stateOf(name: string): HostState;
  /** A host's connection (made once, on first use), with the run's command timeout. */
  transport(s: HostState): Promise<Transport>;
  /** Bounds the hosts worked on at once (--forks). */
  queue: PQueue;
  /** True once the run was told to stop scheduling tasks. */
  stopped(): boolean;
  /** --start-at-task until that task is reached, then undefined. */
  startAt: string | undefined;
}

/** The templates/ folder shipped with the package (searched last). */
export const BUNDLED_TEMPLATES = resolve(fileURLToPath(import.meta.url), '../../../templates');

/** Runs one play on its selected hosts; returns why it aborts the run (any_errors_fatal, max_fail_percentage), if it does. */
export async function runPlay(run: RunContext, play: Play, selected: string[]): Promise<string | undefined> {
  const { options, emit } = run;
  const hosts = selected.filter((h: string) => {
    if (options.shard && !inShard(h, options.shard)) return false;
    const s = run.states.get(h);
    return !s || isActive(s);
  });
  emit({ type: 'play.start', play: play.name, hosts, at: `${play.pos.file}:${play.pos.line}:${play.pos.col}` });
  const env = playEnv(run, play);
  const batches = splitBatches(hosts, play.serial);
  let aborted: string | undefined;
  for (const [i, batch] of batches.entries()) {
    if (run.stopped() || aborted) break;
    if (batches.length > 1) emit({ type: 'batch.start', play: play.name, hosts: batch, batch: i + 1, batches: batches.length });
    aborted = await runBatch(run, play, env, batch);
  }
  // An aborted play ends the run: the rest of its hosts never start, as in Ansible.
  emit(aborted ? { type: 'play.end', play: play.name, aborted } : { type: 'play.end', play: play.name });
  return aborted;
}

function playEnv(run: RunContext, play: Play): TaskEnv {
  const { options } = run;
  const env: TaskEnv = {
    play,
    inventory: options.inventory,
    playbookDir: options.playbook.dir,
    templateDirs: [...(options.templateDirs ?? []), resolve(options.playbook.dir, 'templates'), BUNDLED_TEMPLATES],
    check: !!options.check,
    diff: !!options.diff,
    extraVars: options.extraVars ?? {},
    masker: run.masker,
    verbose: options.verbose ?? 0,
    transport: run.transport,
    killSignal: options.killSignal,
    stopSignal: options.stopSignal,
  };
  if (options.batchProbes !== false) {
    // Handlers are not in play.tasks: they predict nothing.
    const upcoming = (t: Task) => (play.tasks.includes(t) ? play.tasks.slice(play.tasks.indexOf(t) + 1).filter((u) => tagged(u, options)) : []);
    env.probes = new ProbeBatcher(env, upcoming);
  }
  return env;
}

// Facts, tasks, then the handlers the tasks notified (also after an abort); returns why the batch aborted, if it did.
async function runBatch(run: RunContext, play: Play, env: TaskEnv, batch: string[]): Promise<string | undefined> {
  const batchStates = batch.map(run.stateOf);
  batchStates.forEach((s) => s.notified.clear());
  if (play.gatherFacts) await gatherFacts(play, batchStates, run.queue, run.transport, run.emit, run.stopped);
  const aborted = await runTasks(run, play, env, batchStates);
  await runHandlers(run, play, env, batchStates);
  return aborted;
}

async function runTasks(run: RunContext, play: Play, env: TaskEnv, batchStates: HostState[]): Promise<string | undefined> {
  for (const task of play.tasks) {
    if (run.stopped()) break;
    if (run.startAt !== undefined) {
      if (task.name !== run.startAt) continue;
      run.startAt = undefined;
    }
    if (!tagged(task, run.options)) continue;
    const who = batchStates.filter(isActive);
    if (who.length === 0) break;
    await runOnHosts(run, play, env, task, false, who);
    const aborted = shouldAbort({
      batchSize: batchStates.length,
      failedInBatch: batchStates.filter((s) => !isActive(s)).length,
      anyErrorsFatal: play.anyErrorsFatal,
      maxFailPercentage: play.maxFailPercentage,
    });
    if (aborted && aborted !== 'every host of the batch failed') return aborted;
  }
  return undefined;
}

async function runHandlers(run: RunContext, play: Play, env: TaskEnv, batch: HostState[]): Promise<void> {
  for (const handler of play.handlers) {
    if (run.stopped()) return;
    const topics = [handler.name, ...handler.listen];
    const who = batch.filter((s) => topics.some((t) => s.notified.has(t)) && (isActive(s) || (run.options.forceHandlers && !s.unreachable)));
    if (who.length) await runOnHosts(run, play, env, handler, true, who);
  }
}

// One task on the given hosts at once (through the queue); a stop skips the tasks not yet started, not handlers.
async function runOnHosts(run: RunContext, play: Play, env: TaskEnv, task: Task, handler: boolean, who: HostState[]): Promise<void> {
  const t0 = Date.now();
  run.emit({ type: 'task.start', play: play.name, task: task.name, at: `${task.pos.file}:${task.pos.line}:${task.pos.col}`, handler, hosts: who.map((s) => s.host.name) });
  await Promise.all(
    who.map((s) =>
      run.queue.add(async () => {
        if (run.stopped() && !handler) return;
        const ev = await runTask(task, s, env, handler);
        account(s, ev, task);
        run.emit(ev);
      }),
    ),
  );
  run.emit({ type: 'task.end', play: play.name, task: task.name, durationMs: Date.now() - t0 });
}

function account(s: HostState, ev: HostResultEvent, task: Task): void {
  const r = s.recap;
  switch (ev.status) {
    case 'ok':
      r.ok++;
      break;
    case 'changed':
      r.ok++;
      r.changed++;
      if (!ev.handler) task.notify.forEach((n) => s.notified.add(n));
      break;
    case 'skipped':
      r.skipped++;
      break;
    case 'unreachable':
      r.unreachable++;
      s.unreachable = true;
      break;
    case 'failed':
      if (ev.ignored) r.ignored++;
      else {
        r.failed++;
        s.failed = true;
      }
      break;
  }
}

function tagged(task: Task, o: RunOptions): boolean {
  const tags = new Set(task.tags);
  if (o.skipTags?.some((t) => tags.has(t))) return false;
  if (!o.tags?.length) return !tags.has('never');
  return tags.has('always') || o.tags.some((t) => tags.has(t) || (t === 'all' && !tags.has('never')));
}
