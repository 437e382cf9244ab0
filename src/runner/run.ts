// A whole run: plays → batches (serial) → tasks (linear: each task on every host of the batch, then the next) →
// handlers. Hosts run concurrently through one p-queue bounded by --forks; one connection per host for the run.
import PQueue from 'p-queue';
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Inventory } from '../inventory/types.js';
import { selectPlayHosts } from '../inventory/select.js';
import type { Play, Playbook, Task } from '../playbook/types.js';
import { Masker } from '../shell/secret.js';
import { connect } from '../transport/connect.js';
import type { Transport } from '../transport/types.js';
import { gatherFactsProbe } from '../facts/gather.js';
import { wrap } from '../shell/quote.js';
import { UnreachableError } from '../transport/types.js';
import { splitBatches, shouldAbort } from './batches.js';
import { type EventListener, type HostResultEvent, type Recap, type RunEvent } from './events.js';
import { isActive, newHostState, type HostState } from './state.js';
import { runTask, type TaskEnv } from './task.js';
import { collectSecrets, maskEvent } from './secrets.js';
import { inShard, type Shard } from './shard.js';
import { ProbeBatcher } from './probes.js';
import { checkStartAtTask, checkTimeouts } from './check-options.js';
import type { RunOptions } from './options.js';

export type { RunOptions };

/** How a run ended. */
export interface RunSummary {
  recap: Record<string, Recap>;
  roundTrips: Record<string, number>;
  interrupted: boolean;
  /** 0 all good, 2 a host failed, 4 a host was unreachable (and none failed), 130 interrupted. */
  exitCode: number;
}

/** The templates/ folder shipped with the package. */
export const BUNDLED_TEMPLATES = resolve(fileURLToPath(import.meta.url), '../../../templates');

/** Runs a validated playbook against an inventory. Never prints: everything goes through `onEvent`. */
export async function runPlaybook(options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const listener: EventListener = options.onEvent ?? (() => {});
  const forks = options.forks ?? 50;
  const masker = new Masker();
  collectSecrets(options, masker);
  // Every event passes the masker on its way out: no reporter, and no field added later, can see a known secret.
  const emit: EventListener = (e) => listener(maskEvent(e, masker));
  // Every command in flight listens on the kill signal: more than 10 hosts is normal, not a leak to warn about.
  if (options.killSignal) setMaxListeners(0, options.killSignal);
  const states = new Map<string, HostState>();
  const stateOf = (name: string) => {
    let s = states.get(name);
    if (!s) states.set(name, (s = newHostState(options.inventory.hosts.get(name)!)));
    return s;
  };
  const connectQueue = new PQueue({ concurrency: Math.min(forks, 16) });
  const transportOf = (s: HostState): Promise<Transport> => {
    s.transport ??= connectQueue.add(
      // Check mode writes nothing, known_hosts included: a new key is trusted for this run only.
      () => connect(s.host, { acceptNewHostKeys: options.acceptNewHostKeys, recordNewHostKeys: !options.check, connectTimeoutMs: options.connectTimeoutMs ?? s.host.connection.connectTimeoutMs }),
    ) as Promise<Transport>;
    return s.transport;
  };
  const commandTransportOf = options.commandTimeoutMs ? (s: HostState) => transportOf(s).then((t) => withCommandTimeout(t, options.commandTimeoutMs!)) : transportOf;
  const queue = new PQueue({ concurrency: forks });
  const stopped = () => options.stopSignal?.aborted === true;
  let startAt = options.startAtTask;

  // Every play's host pattern is checked before anything connects: a typo in the last play must not surface after
  // the first one has changed hosts.
  const selected = new Map(options.playbook.plays.map((play) => [play, selectPlayHosts(options.inventory, play, options.limit)]));
  if (startAt !== undefined) checkStartAtTask(options.playbook, startAt);
  checkTimeouts(options);
  emit({ type: 'run.start', playbook: options.playbook.file, check: !!options.check, diff: !!options.diff, forks });
  try {
    for (const play of options.playbook.plays) {
      if (stopped()) break;
      const hosts = selected.get(play)!.filter((h: string) => {
        if (options.shard && !inShard(h, options.shard)) return false;
        const s = states.get(h);
        return !s || isActive(s);
      });
      emit({ type: 'play.start', play: play.name, hosts, at: `${play.pos.file}:${play.pos.line}:${play.pos.col}` });
      const env: TaskEnv = {
        play,
        inventory: options.inventory,
        playbookDir: options.playbook.dir,
        templateDirs: [...(options.templateDirs ?? []), resolve(options.playbook.dir, 'templates'), BUNDLED_TEMPLATES],
        check: !!options.check,
        diff: !!options.diff,
        extraVars: options.extraVars ?? {},
        masker,
        verbose: options.verbose ?? 0,
        transport: commandTransportOf,
        killSignal: options.killSignal,
        stopSignal: options.stopSignal,
      };
      if (options.batchProbes !== false) {
        // Handlers are not in play.tasks: they predict nothing.
        const upcoming = (t: Task) => (play.tasks.includes(t) ? play.tasks.slice(play.tasks.indexOf(t) + 1).filter((u) => tagged(u, options)) : []);
        env.probes = new ProbeBatcher(env, upcoming);
      }
      const batches = splitBatches(hosts, play.serial);
      let aborted: string | undefined;
      for (const [i, batch] of batches.entries()) {
        if (stopped() || aborted) break;
        if (batches.length > 1) emit({ type: 'batch.start', play: play.name, hosts: batch, batch: i + 1, batches: batches.length });
        const batchStates = batch.map(stateOf);
        batchStates.forEach((s) => s.notified.clear());
        const runOnBatch = async (task: Task, handler: boolean, who: HostState[]) => {
          const t0 = Date.now();
          emit({ type: 'task.start', play: play.name, task: task.name, at: `${task.pos.file}:${task.pos.line}:${task.pos.col}`, handler, hosts: who.map((s) => s.host.name) });
          await Promise.all(
            who.map((s) =>
              queue.add(async () => {
                if (stopped() && !handler) return;
                const ev = await runTask(task, s, env, handler);
                account(s, ev, task);
                emit(ev);
              }),
            ),
          );
          emit({ type: 'task.end', play: play.name, task: task.name, durationMs: Date.now() - t0 });
        };
        if (play.gatherFacts) await gatherFacts(play, batchStates, queue, commandTransportOf, emit, stopped);
        for (const task of play.tasks) {
          if (stopped()) break;
          if (startAt !== undefined) {
            if (task.name !== startAt) continue;
            startAt = undefined;
          }
          if (!tagged(task, options)) continue;
          const who = batchStates.filter(isActive);
          if (who.length === 0) break;
          await runOnBatch(task, false, who);
          aborted = shouldAbort({
            batchSize: batch.length,
            failedInBatch: batchStates.filter((s) => !isActive(s)).length,
            anyErrorsFatal: play.anyErrorsFatal,
            maxFailPercentage: play.maxFailPercentage,
          });
          if (aborted && aborted !== 'every host of the batch failed') break;
          aborted = undefined;
        }
        await runHandlers(play, batchStates, options, runOnBatch, stopped);
      }
      if (aborted) {
        // The rest of this play's hosts never start; Ansible ends the whole run here.
        emit({ type: 'play.end', play: play.name, aborted });
        break;
      }
      emit({ type: 'play.end', play: play.name });
    }
  } catch (e) {
    // A crash leaves through the CLI's error output (its stack at -vvv), past every reporter: mask it on the way.
    if (e instanceof Error) {
      e.message = masker.mask(e.message);
      if (e.stack) e.stack = masker.mask(e.stack);
    }
    throw e;
  } finally {
    await Promise.allSettled([...states.values()].map(async (s) => (await s.transport?.catch(() => undefined))?.close()));
  }
  const recap: Record<string, Recap> = {};
  const roundTrips: Record<string, number> = {};
  for (const [name, s] of states) {
    recap[name] = s.recap;
    roundTrips[name] = (await s.transport?.catch(() => undefined))?.roundTrips ?? 0;
  }
  const interrupted = stopped();
  emit({ type: 'run.end', recap, roundTrips, durationMs: Date.now() - started, interrupted });
  return { recap, roundTrips, interrupted, exitCode: exitCodeFor(recap, interrupted) };
}

/** The same connection, with a bound on every command that has none of its own; the bound is named on stderr. */
function withCommandTimeout(t: Transport, ms: number): Transport {
  return {
    name: t.name,
    get roundTrips() {
      return t.roundTrips;
    },
    exec: async (command, o = {}) => {
      const r = await t.exec(command, { ...o, timeoutMs: o.timeoutMs ?? ms });
      if (!r.timedOut || o.timeoutMs !== undefined) return r;
      return { ...r, stderr: `${r.stderr}provision: no answer within the command timeout of ${ms / 1000} s (--command-timeout)\n` };
    },
    close: () => t.close(),
  };
}

/** Ansible-style exit codes. */
export function exitCodeFor(recap: Record<string, Recap>, interrupted: boolean): number {
  if (interrupted) return 130;
  const all = Object.values(recap);
  if (all.some((r) => r.failed > 0)) return 2;
  if (all.some((r) => r.unreachable > 0)) return 4;
  return 0;
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

async function runHandlers(
  play: Play,
  batch: HostState[],
  options: RunOptions,
  runOnBatch: (task: Task, handler: boolean, who: HostState[]) => Promise<void>,
  stopped: () => boolean,
): Promise<void> {
  for (const handler of play.handlers) {
    if (stopped()) return;
    const topics = [handler.name, ...handler.listen];
    const who = batch.filter(
      (s) => topics.some((t) => s.notified.has(t)) && (isActive(s) || (options.forceHandlers && !s.unreachable)),
    );
    if (who.length) await runOnBatch(handler, true, who);
  }
}

async function gatherFacts(
  play: Play,
  batch: HostState[],
  queue: PQueue,
  transportOf: (s: HostState) => Promise<Transport>,
  emit: (e: RunEvent) => void,
  stopped: () => boolean,
): Promise<void> {
  const who = batch.filter((s) => isActive(s) && !s.facts);
  if (!who.length) return;
  const at = `${play.pos.file}:${play.pos.line}:${play.pos.col}`;
  const t0 = Date.now();
  emit({ type: 'task.start', play: play.name, task: 'Gathering Facts', at, handler: false, hosts: who.map((s) => s.host.name) });
  const probe = gatherFactsProbe();
  await Promise.all(
    who.map((s) =>
      queue.add(async () => {
        if (stopped()) return;
        const start = Date.now();
        const base = { type: 'host.result' as const, host: s.host.name, play: play.name, task: 'Gathering Facts', at, handler: false };
        try {
          const t = await transportOf(s);
          s.facts = probe.parse(await t.exec(wrap(probe.script, false)));
          s.recap.ok++;
          emit({ ...base, status: 'ok', durationMs: Date.now() - start });
        } catch (e) {
          const unreachable = e instanceof UnreachableError;
          if (unreachable) {
            s.unreachable = true;
            s.recap.unreachable++;
          } else {
            s.failed = true;
            s.recap.failed++;
          }
          const msg = e instanceof Error ? e.message + (e instanceof UnreachableError && e.fix ? `\n  fix: ${e.fix}` : '') : String(e);
          emit({ ...base, status: unreachable ? 'unreachable' : 'failed', msg, durationMs: Date.now() - start });
        }
      }),
    ),
  );
  emit({ type: 'task.end', play: play.name, task: 'Gathering Facts', durationMs: Date.now() - t0 });
}
