// What the runner remembers about each host during a run.
import type { Facts } from '../facts/types.js';
import type { Host } from '../inventory/types.js';
import type { Transport } from '../transport/types.js';
import { emptyRecap, type Recap } from './events.js';

/** Per-host state across the plays of one run. */
export interface HostState {
  host: Host;
  transport?: Promise<Transport>;
  facts?: Facts;
  /** Results stored by `register`. */
  registered: Record<string, unknown>;
  /** Variables set by set_fact. */
  setFacts: Record<string, unknown>;
  /** Failed in this run: takes no further tasks (handlers only with --force-handlers). */
  failed: boolean;
  unreachable: boolean;
  /** Handler names/topics notified in the current play. */
  notified: Set<string>;
  recap: Recap;
}

/** A fresh state for a host. */
export function newHostState(host: Host): HostState {
  return { host, registered: {}, setFacts: {}, failed: false, unreachable: false, notified: new Set(), recap: emptyRecap() };
}

/** True when the host may take another task. */
export function isActive(state: HostState): boolean {
  return !state.failed && !state.unreachable;
}
