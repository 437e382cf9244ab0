// What a run can be told: the options of runPlaybook, which the CLI's flags map onto.
import type { Inventory } from '../inventory/types.js';
import type { Playbook } from '../playbook/types.js';
import type { EventListener } from './events.js';
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
