// Round trips of a no-op converge counted by the runner itself, with and without probe batching (the library API:
// the CLI has no switch for it).
import { loadInventory } from '../../src/inventory/load.js';
import '../../src/modules/index.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import type { RunEvent } from '../../src/runner/events.js';
import { runPlaybook } from '../../src/runner/run.js';

/** Median per host: all round trips, and those that were not steps (facts + probes). */
export interface RoundTrips {
  total: number;
  probes: number;
  changed: number;
}

/** Runs the playbook once in this process and counts. */
export async function countRoundTrips(playbook: string, inventory: string, batchProbes: boolean, extraVars: Record<string, unknown> = {}, tags?: string[]): Promise<RoundTrips> {
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook: await loadPlaybook(playbook), inventory: await loadInventory(inventory), batchProbes, extraVars, tags,
    forks: 100, onEvent: (e) => events.push(e),
  });
  const steps: Record<string, number> = {};
  for (const e of events) if (e.type === 'host.result') steps[e.host] = (steps[e.host] ?? 0) + (e.commands?.length ?? 0);
  const hosts = Object.keys(summary.roundTrips);
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  return {
    total: mid(hosts.map((h) => summary.roundTrips[h])),
    probes: mid(hosts.map((h) => summary.roundTrips[h] - (steps[h] ?? 0))),
    changed: Object.values(summary.recap).reduce((n, r) => n + r.changed, 0),
  };
}
