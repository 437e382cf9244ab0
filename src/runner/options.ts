// What a run is told and what it returns, in a file of their own: the runner's parts (secrets, plays) read the
// options without importing the runner itself.
import type { Inventory } from '../inventory/types.js';
import type { Playbook } from '../playbook/types.js';
import type { EventListener, Recap } from './events.js';
import type { Shard } from './shard.js';

/** Everything a run can be told. */
export interface RunOptions {
  playbook: Playbook;
  inventory: Inventory;
  /** Further restricts every play's hosts (`--limit`). */
  limit?: string;
  /** Only this stable share of the selected hosts (`--shard I/N`). */
  shard?: Shard;
  check?: boolean;
  diff?: boolean;
  /** Hosts worked on at once (default 50). */
  forks?: number;
  extraVars?: Record<string, unknown>;
  tags?: string[];
  skipTags?: string[];
  startAtTask?: string;
  forceHandlers?: boolean;
  acceptNewHostKeys?: boolean;
  connectTimeoutMs?: number;
  /** Kill any remote command still running after this long (`--command-timeout`); a module's own bound wins. */
  commandTimeoutMs?: number;
  verbose?: number;
  /** Extra template folders searched before the bundled templates/. */
  templateDirs?: string[];
  onEvent?: EventListener;
  /** Stop scheduling new tasks (first Ctrl-C): in-flight commands finish. */
  stopSignal?: AbortSignal;
  /** Kill in-flight commands (second Ctrl-C). */
  killSignal?: AbortSignal;
  /** Send the probes of upcoming tasks in one script per host (default true; false: one exec per probe). */
  batchProbes?: boolean;
}

/** How a run ended. */
export interface RunSummary {
  recap: Record<string, Recap>;
  roundTrips: Record<string, number>;
  interrupted: boolean;
  /** 0 all good, 2 a host failed, 4 a host was unreachable (and none failed), 130 interrupted. */
  exitCode: number;
}
