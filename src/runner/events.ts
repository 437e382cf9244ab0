// What a run tells the world. The runner only emits these; reporters (human, JSON lines, JUnit) only listen.
import type { FileDiff } from '../modules/define.js';

/** How one task ended on one host. */
export type HostStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';

/** The PLAY RECAP counters of one host. */
export interface Recap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** One host's result for one task (or one loop item). */
export interface HostResultEvent {
  type: 'host.result';
  host: string;
  play: string;
  task: string;
  /** Source position of the task, `file:line:col`. */
  at: string;
  handler: boolean;
  status: HostStatus;
  /** A failed task whose failure was ignored (`ignore_errors`). */
  ignored?: boolean;
  /** Per-item outcomes of a loop (items masked, or hidden under no_log). */
  items?: { item: unknown; status: HostStatus; msg?: string }[];
  /** One line: why it failed, why nothing changed, or what changed. Masked; hidden under no_log. */
  msg?: string;
  diffs?: FileDiff[];
  /** Commands that ran, masked (only for -v reporters). */
  commands?: string[];
  durationMs: number;
  /** `debug` output and other values the user asked to see (masked). */
  output?: unknown;
  /** What the task's last command printed (masked; hidden under no_log), for -vv reporters and --json. */
  stdout?: string;
  stderr?: string;
}

/** Everything a run emits, in order. */
export type RunEvent =
  | { type: 'run.start'; playbook: string; check: boolean; diff: boolean; forks: number }
  | { type: 'play.start'; play: string; hosts: string[]; at: string }
  | { type: 'batch.start'; play: string; hosts: string[]; batch: number; batches: number }
  | { type: 'task.start'; play: string; task: string; at: string; handler: boolean; hosts: string[] }
  | HostResultEvent
  | { type: 'task.end'; play: string; task: string; durationMs: number }
  | { type: 'play.end'; play: string; aborted?: string }
  | { type: 'warning'; message: string; host?: string }
  | { type: 'run.end'; recap: Record<string, Recap>; roundTrips: Record<string, number>; durationMs: number; interrupted: boolean };

/** A function that receives every event of a run. */
export type EventListener = (event: RunEvent) => void;

/** A recap with every counter at zero. */
export function emptyRecap(): Recap {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
