// A whole run: plays → batches (serial) → tasks → handlers (src/runner/play.ts). Hosts run concurrently through one
// p-queue bounded by --forks; one connection per host for the run.
import PQueue from 'p-queue';
import { setMaxListeners } from 'node:events';
import { selectPlayHosts } from '../inventory/select.js';
import { Masker } from '../shell/secret.js';
import { connect } from '../transport/connect.js';
import type { Transport } from '../transport/types.js';
import { checkStartAtTask, checkTimeouts } from './check-options.js';
import type { EventListener, Recap } from './events.js';
import type { RunOptions, RunSummary } from './options.js';
import { runPlay, type RunContext } from './play.js';
import { collectSecrets, maskEvent } from './secrets.js';
import { newHostState, type HostState } from './state.js';

export type { RunOptions, RunSummary } from './options.js';
export { BUNDLED_TEMPLATES } from './play.js';

/** Runs a validated playbook against an inventory. Never prints: everything goes through `onEvent`. */
export async function runPlaybook(options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const run = newRun(options);
  // Every play's host pattern is checked before anything connects: a typo in the last play must not surface after
  // the first one has changed hosts.
  const selected = new Map(options.playbook.plays.map((play) => [play, selectPlayHosts(options.inventory, play, options.limit)]));
  if (run.startAt !== undefined) checkStartAtTask(options.playbook, run.startAt);
  checkTimeouts(options);
  run.emit({ type: 'run.start', playbook: options.playbook.file, check: !!options.check, diff: !!options.diff, forks: options.forks ?? 50 });
  try {
    for (const play of options.playbook.plays) {
      if (run.stopped()) break;
      if (await runPlay(run, play, selected.get(play)!)) break;
    }
  } catch (e) {
    // A crash leaves through the CLI's error output (its stack at -vvv), past every reporter: mask it on the way.
    if (e instanceof Error) {
      e.message = run.masker.mask(e.message);
      if (e.stack) e.stack = run.masker.mask(e.stack);
    }
    throw e;
  } finally {
    await Promise.allSettled([...run.states.values()].map(async (s) => (await s.transport?.catch(() => undefined))?.close()));
  }
  return finish(run, started);
}

// The shared state of a run: secrets known, events masked, hosts' states and connections made on first use.
function newRun(options: RunOptions): RunContext {
  const listener: EventListener = options.onEvent ?? (() => {});
  const forks = options.forks ?? 50;
  const masker = new Masker();
  collectSecrets(options, masker);
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
  return {
    options,
    masker,
    // Every event passes the masker on its way out: no reporter, and no field added later, can see a known secret.
    emit: (e) => listener(maskEvent(e, masker)),
    states,
    stateOf,
    transport: options.commandTimeoutMs ? (s) => transportOf(s).then((t) => withCommandTimeout(t, options.commandTimeoutMs!)) : transportOf,
    queue: new PQueue({ concurrency: forks }),
    stopped: () => options.stopSignal?.aborted === true,
    startAt: options.startAtTask,
  };
}

// The recap and round trips of every host the run touched, in the run.end event and the summary.
async function finish(run: RunContext, started: number): Promise<RunSummary> {
  const recap: Record<string, Recap> = {};
  const roundTrips: Record<string, number> = {};
  for (const [name, s] of run.states) {
    recap[name] = s.recap;
    roundTrips[name] = (await s.transport?.catch(() => undefined))?.roundTrips ?? 0;
  }
  const interrupted = run.stopped();
  run.emit({ type: 'run.end', recap, roundTrips, durationMs: Date.now() - started, interrupted });
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
