// provision's side: the built CLI (dist/cli/main.js, started from its code cache as after its first use) as a user runs it, with --json events, instrumented for the time to the
// first connection and peak memory (bench/instrument.mjs).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { timed } from './proc.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const INSTRUMENT = join(ROOT, 'bench/instrument.mjs');

/** One provision run, measured. */
export interface OursRun {
  ms: number;
  code: number | null;
  /** Per host: changed count from the recap. */
  changed: Record<string, number>;
  failed: number;
  /** The runner's own counters (run.end roundTrips). */
  roundTrips: Record<string, number>;
  /** Durations of each task (task.end), in order: the first includes connecting. */
  taskMs: number[];
  /** Steps applied per host (host.result commands), to tell probe round trips from step round trips. */
  steps: Record<string, number>;
  maxRssKb: number;
  firstConnectMs?: number;
  /** CPU time (user + system) the process had used when its first connection started. */
  firstConnectCpuMs?: number;
  output: string;
}

/** Runs `provision run PLAYBOOK -i INVENTORY --json ...args`. */
export async function runOurs(playbook: string, inventory: string, args: string[] = []): Promise<OursRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ours-'));
  const statsFile = join(dir, 'stats.json');
  try {
    const r = await timed(['node', '--import', INSTRUMENT, CLI, 'run', playbook, '-i', inventory, '--json', ...args], { env: { BENCH_STATS_FILE: statsFile } });
    const events = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
    const end = events.find((e) => e.type === 'run.end');
    const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as { firstConnectMs?: number; firstConnectCpuMs?: number; maxRssKb: number };
    const steps: Record<string, number> = {};
    for (const e of events) if (e.type === 'host.result') steps[e.host] = (steps[e.host] ?? 0) + (e.commands?.length ?? 0);
    const recap = (end?.recap ?? {}) as Record<string, { changed: number; failed: number; unreachable: number }>;
    return {
      ms: r.ms,
      code: r.code,
      changed: Object.fromEntries(Object.entries(recap).map(([h, x]) => [h, x.changed])),
      failed: Object.values(recap).reduce((n, x) => n + x.failed + x.unreachable, 0),
      roundTrips: end?.roundTrips ?? {},
      taskMs: events.filter((e) => e.type === 'task.end').map((e) => e.durationMs as number),
      steps,
      maxRssKb: stats.maxRssKb,
      firstConnectMs: stats.firstConnectMs,
      firstConnectCpuMs: stats.firstConnectCpuMs,
      output: r.stderr + events.filter((e) => e.type === 'host.result' && (e.status === 'failed' || e.status === 'unreachable')).map((e) => `${e.host} ${e.task}: ${e.msg}`).join('\n'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `provision validate PLAYBOOK -i INVENTORY`: parse and validate only (no connection), timed. `cold`: without the
 * launcher's code cache for validate (removed first, as on a command's first use; the run writes it again).
 */
export async function validateMs(playbook: string, inventory: string, opts: { cold?: boolean } = {}): Promise<number> {
  if (opts.cold) for (const f of readdirSync(dirname(CLI))) if (/^provision\.cjs\.validate\..*\.cache$/.test(f)) rmSync(join(dirname(CLI), f));
  const r = await timed(['node', CLI, 'validate', playbook, '-i', inventory]);
  if (r.code !== 0) throw new Error(`provision validate failed: ${r.stdout}${r.stderr}`);
  return r.ms;
}
