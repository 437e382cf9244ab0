// The implicit first task of a play that gathers facts: one probe per host, its result kept in the host's state.
import type PQueue from 'p-queue';
import { gatherFactsProbe } from '../facts/gather.js';
import type { Play } from '../playbook/types.js';
import { wrap } from '../shell/quote.js';
import type { Transport } from '../transport/types.js';
import { UnreachableError } from '../transport/types.js';
import type { RunEvent } from './events.js';
import { isActive, type HostState } from './state.js';

/** Gathers the facts of the batch's active hosts that have none yet; a host that fails is failed or unreachable. */
export async function gatherFacts(
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
