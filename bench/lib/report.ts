// The benchmark's Markdown: one table of medians, the round trips, start-up, and whether each target holds.
import type { RoundTrips } from './inprocess.js';

/** One measured line of the table (times in ms; NaN where a column does not apply). */
export interface Row {
  what: string;
  hosts: number;
  ours: number;
  ansible: number;
  floor: number;
  /** Median over hosts of run.end roundTrips (median over repetitions). */
  roundTrips: number;
  rssMb: number;
  perTaskMs?: number;
  floorPerTaskMs?: number;
}

/** Everything the report says. */
export interface Report {
  date: string;
  /** The run's option (--quick, --no-op), empty for the full run. */
  mode: string;
  machine: string;
  /** /proc/loadavg's 1, 5 and 15 minute averages when the run started and when it ended (other work shares the machine). */
  load: { start: string; end: string };
  versions: string;
  /** Repetitions: converges from scratch, everything else, and Ansible's share of the no-op-at-scale rows. */
  reps: { scratch: number; other: number; bigAnsible: number };
  rows: Row[];
  roundTrips: { before?: RoundTrips; after?: RoundTrips; variantBefore?: RoundTrips; variantAfter?: RoundTrips };
  /** Wall times from process start, and the CPU time used before the first connection. */
  /**
   * quiet*: `provision run` of the no-op on one host, on its own (no other run going; the hosts keep their daemons running), quietRuns times; firstConnect*:
   * the same instrument over every measured run, most of them right after another run's work on the lab hosts.
   */
  startup: { validateMs: number; validateColdMs: number; quietMs: number; quietCpuMs: number; quietRuns: number; firstConnectMs: number; firstConnectCpuMs: number };
  minutes: number;
}

const ms = (v: number) => (Number.isNaN(v) ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
const ratio = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? '–' : `${(a / b).toFixed(2)}`);
const num = (v: number, d = 0) => (Number.isNaN(v) ? '–' : v.toFixed(d));
const verdict = (ok: boolean) => (ok ? '**holds**' : '**does not hold**');

/** The Markdown text of a report. */
export function renderReport(r: Report): string {
  const find = (prefix: string, hosts: number) => r.rows.find((x) => x.what.startsWith(prefix) && x.hosts === hosts);
  const lines = [
    `# provision benchmark${r.mode ? ` (${r.mode})` : ''}`,
    '',
    `- Date: ${r.date}; the whole run took ${r.minutes.toFixed(1)} min.`,
    `- Machine: ${r.machine}.`,
    `- Load average (1/5/15 min) at start ${r.load.start}, at end ${r.load.end}: other work shared the machine, so absolute times are noisy; the ratios compare tools measured alternately in the same run.`,
    `- Versions: ${r.versions}.`,
    `- Medians of ${r.reps.scratch} repetition(s) for converges from scratch (fresh lab hosts each time) and ${r.reps.other} for the rest${r.reps.bigAnsible < r.reps.other ? ` (Ansible on the chroot hosts: ${r.reps.bigAnsible})` : ''}; tools alternate which goes first; same hosts for every column of a row.`,
    '- provision: the built CLI (`node dist/cli/main.js run ... --json`, forks = hosts), wall time from spawn to exit.',
    '  Ansible: `ansible-playbook` with bench/ansible/ansible.cfg (pipelining, ControlPersist 120 s), forks = hosts.',
    '  Floor: raw ssh2 over connections opened before the clock starts (TCP_NODELAY): 50 sequential `/bin/true` execs per host,',
    '  or ONE script per host holding the fact script and every probe of the playbook (framed as provision batches them).',
    '',
    '| measurement | hosts | provision | Ansible | floor | provision/Ansible | provision/floor | round trips per host | peak RSS (MB) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map((x) => `| ${x.what} | ${x.hosts} | ${ms(x.ours)} | ${ms(x.ansible)} | ${ms(x.floor)} | ${ratio(x.ours, x.ansible)} | ${ratio(x.ours, x.floor)} | ${num(x.roundTrips)} | ${num(x.rssMb)} |`),
    ...r.rows
      .filter((x) => x.perTaskMs !== undefined)
      .map((x) => `| per task (provision: runner's task time after the first; floor: one exec) | ${x.hosts} | ${ms(x.perTaskMs!)} | ${ms(x.ansible / 50)} (wall/50) | ${ms(x.floorPerTaskMs!)} | | ${ratio(x.perTaskMs!, x.floorPerTaskMs!)} | | |`),
    '',
    '## Round trips per host of a no-op converge (the runner\'s own counters, median over hosts)',
    '',
    '| playbook | probe batching | all round trips | facts + probes | steps (verify.yml\'s commands) |',
    '|---|---|---:|---:|---:|',
    ...(
      [
        ['i2p-node.yml (+ verify.yml)', 'off (one exec per probe)', r.roundTrips.before],
        ['i2p-node.yml (+ verify.yml)', 'on', r.roundTrips.after],
        ['i2p-node.yml, chroot variant', 'off', r.roundTrips.variantBefore],
        ['i2p-node.yml, chroot variant', 'on', r.roundTrips.variantAfter],
      ] as const
    )
      .filter(([, , x]) => x)
      .map(([p, b, x]) => `| ${p} | ${b} | ${x!.total} | ${x!.probes} | ${x!.total - x!.probes} |`),
    '',
    `Start-up: \`provision validate playbooks/i2p-node.yml -i INVENTORY\` (node start, parse, validate) ${ms(r.startup.validateMs)} ` +
      `(${ms(r.startup.validateColdMs)} on a command's first use, before the launcher has a code cache for it); ` +
      `\`provision run\` of the no-op on one host, on its own (${r.startup.quietRuns} runs, no other run going), opens its first connection ` +
      `${ms(r.startup.quietMs)} after the process started, having used ${ms(r.startup.quietCpuMs)} of CPU time; over every measured run above ` +
      `(most of them started while the lab hosts were still busy with the previous run's work) ${ms(r.startup.firstConnectMs)} ` +
      `(${ms(r.startup.firstConnectCpuMs)} CPU): wall time waits for the CPU when the machine is busy, CPU time much less so. Medians.`,
    '',
    '## Targets',
    '',
  ];
  const noop20 = find('no-op: i2p-node.yml (+', 20) ?? find('no-op: i2p-node.yml (+', 5);
  if (noop20) {
    const x = noop20.ansible / noop20.ours;
    lines.push(`- No-op converge, ${noop20.hosts} hosts, ≥ 20× faster than Ansible: ${x.toFixed(1)}× — ${verdict(x >= 20)}.`);
  }
  for (const t of r.rows.filter((x) => x.perTaskMs !== undefined)) {
    const x = t.perTaskMs! / t.floorPerTaskMs!;
    lines.push(`- Per-task overhead within 2× of the floor, ${t.hosts} host(s): ${x.toFixed(2)}× — ${verdict(x <= 2)}.`);
  }
  if (r.roundTrips.after) {
    lines.push(`- No-op converge of i2p-node.yml, at most 3 round trips per host for all probes (facts included): ${r.roundTrips.after.probes} (was ${r.roundTrips.before?.probes} without batching) — ${verdict(r.roundTrips.after.probes <= 3)}.`);
  }
  const bigs = r.rows.filter((x) => x.what.startsWith('no-op: i2p-node.yml, tags'));
  if (bigs.length === 2) {
    const [small, large] = bigs;
    const x = large.ours / small.ours;
    lines.push(`- ${large.hosts} hosts no-op under 3× the ${small.hosts}-host time: ${x.toFixed(2)}× — ${verdict(x < 3)}; peak memory under 300 MB: ${large.rssMb.toFixed(0)} MB — ${verdict(large.rssMb < 300)}.`);
  }
  lines.push(
    `- CLI start-up before the first connection under 300 ms, run on its own: ${ms(r.startup.quietMs)} wall (${ms(r.startup.quietCpuMs)} CPU) — ${verdict(r.startup.quietMs < 300)}; ` +
      `over every measured run, on a busy machine: ${ms(r.startup.firstConnectMs)}.`,
  );
  return lines.join('\n') + '\n';
}
