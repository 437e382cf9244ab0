// The benchmark (issue 5): provision against Ansible and against the floor, in ONE run, on the SAME lab hosts,
// tools alternating, several repetitions, medians. Writes bench/results/LATEST.md and prints it.
//
//   npm run bench            # full run (~1 h on 2 quiet cores)
//   npm run bench -- --quick # a smaller run (5 + 20 hosts, fewer repetitions)
//   npm run bench -- --no-op # the no-op rows only (~20 min)
//
// Needs root, the lab's packages, and Debian's ansible (apt-get install -y ansible). Never part of `npm test`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadInventory } from '../src/inventory/load.js';
import { labStatus } from '../src/lab/index.js';
import { loadPlaybook } from '../src/playbook/load.js';
import { makeStandinTarball } from '../test/standin/make-tarball.js';
import { ansibleVersion, runAnsible, type AnsibleRun } from './lib/ansible.js';
import { closeAll, oneScriptOnAll, openAll, probeScripts, sequentialOnAll } from './lib/floor.js';
import { countRoundTrips, type RoundTrips } from './lib/inprocess.js';
import { downLab, LAB_NAME, sha256On, upLab, type BenchLab } from './lib/lab.js';
import { runOurs, validateMs, type OursRun } from './lib/ours.js';
import { median, timed } from './lib/proc.js';
import { renderReport, type Row, type Report } from './lib/report.js';

const ROOT = resolve(import.meta.dirname, '..');
const NODE_PLAYBOOK = join(ROOT, 'playbooks/i2p-node.yml');
const TRUE50 = join(ROOT, 'bench/playbooks/true50.yml');
const FILES = ['/etc/i2pd/i2pd.conf', '/etc/bitcoin/bitcoin.conf', '/etc/systemd/system/bitcoind.service'];
/** The 100-host lab is chroot mode: no systemd for verify.yml's checks nor for bitcoind, so those are left out. */
const VARIANT_ARGS = ['-e', 'bitcoin_install=false', '--tags', 'i2pd,bitcoin,ufw'];

const quick = process.argv.includes('--quick');
// --no-op: only the no-op rows (20 systemd hosts with Ansible; 20 and 100 chroot hosts, provision and the
// floor; 2 repetitions), for checking a change to what a no-op costs in ~20 min. Writes bench/results/NOOP.md.
const noopOnly = process.argv.includes('--no-op');
// bigAnsibleReps: Ansible runs the no-op-at-scale rows in that many of the repetitions only (its 100-host no-op
// costs ~10 min on 2 cores; provision runs all of them). The full run takes ~1 h on a quiet 2-core machine: from
// scratch on 20 hosts (5 is in --quick), no-op on 5 and 20 systemd hosts and on 20 and 100 chroot hosts.
const plan = noopOnly
  ? { scratch: [] as number[], scratchReps: 0, systemdHosts: 20, noop: [20], reps: 2, perTask: [] as number[], chrootHosts: 100, big: [20, 100], bigAnsibleReps: 0 }
  : quick
  ? { scratch: [5], scratchReps: 1, systemdHosts: 5, noop: [5], reps: 3, perTask: [1, 5], chrootHosts: 20, big: [5, 20], bigAnsibleReps: 3 }
  : { scratch: [20], scratchReps: 1, systemdHosts: 20, noop: [5, 20], reps: 3, perTask: [1, 20], chrootHosts: 100, big: [20, 100], bigAnsibleReps: 1 };

/** Runs of the start-up measurement (the no-op on one host, on its own). */
const STARTUP_RUNS = 9;

const started = Date.now();
/** The 1, 5 and 15 minute load averages now. */
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ');
const loadAtStart = loadavg();
const log = (s: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${s}\n`);
const limitTo = (lab: BenchLab, n: number) => lab.info.hosts.slice(0, n).map((h) => h.name).join(',');

/** Fails the benchmark with the tool's output: a run that did not do its job measures nothing. */
function check(what: string, run: OursRun | AnsibleRun, noop: boolean): void {
  const changed = Object.values(run.changed).reduce((a, b) => a + b, 0);
  if (run.code !== 0 || run.failed > 0 || (noop && changed > 0)) {
    throw new Error(`${what}: exit ${run.code}, failed ${run.failed}, changed ${changed}${noop ? ' (a no-op must change nothing)' : ''}\n${run.output}`);
  }
}

const samples = new Map<string, number[]>();
const add = (key: string, v: number) => samples.set(key, [...(samples.get(key) ?? []), v]);
const med = (key: string) => median(samples.get(key) ?? []);

type Tool = 'ours' | 'ansible';
/** Alternates which tool goes first, repetition by repetition. */
const order = (rep: number): Tool[] => (rep % 2 ? ['ansible', 'ours'] : ['ours', 'ansible']);

async function measure(key: string, tool: Tool, lab: BenchLab, playbook: { ours: string; ansible: string }, hosts: number, noop: boolean, args: string[] = []): Promise<void> {
  const limit = ['--limit', limitTo(lab, hosts)];
  if (tool === 'ours') {
    const r = await runOurs(playbook.ours, lab.oursInventory, ['--forks', String(Math.max(hosts, 1)), ...limit, ...args]);
    check(`provision ${key}`, r, noop);
    add(`${key}/ours`, r.ms);
    add(`${key}/rss`, r.maxRssKb / 1024);
    add(`${key}/rt`, median(Object.values(r.roundTrips)));
    if (r.firstConnectMs !== undefined) add('firstConnect', r.firstConnectMs);
    if (r.firstConnectCpuMs !== undefined) add('firstConnectCpu', r.firstConnectCpuMs);
    // Per task after the first (which includes connecting): the runner's own task timings.
    if (r.taskMs.length > 1) add(`${key}/perTask`, r.taskMs.slice(1).reduce((a, b) => a + b, 0) / (r.taskMs.length - 1));
  } else {
    const r = await runAnsible(playbook.ansible, lab.ansibleInventory, hosts, lab.controlDir, [...limit, ...args]);
    check(`ansible ${key}`, r, noop);
    add(`${key}/ansible`, r.ms);
  }
}

const NODE = { ours: NODE_PLAYBOOK, ansible: 'i2p-node.yml' };
const T50 = { ours: TRUE50, ansible: 'true50.yml' };

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (lab hosts)');
  if ((await labStatus()).some((l) => l.name === LAB_NAME)) throw new Error(`a lab named ${LAB_NAME} is up: take it down first (provision lab down --name ${LAB_NAME})`);
  const dir = mkdtempSync(join(tmpdir(), 'provision-bench-'));
  const tarball = { ...makeStandinTarball(dir, '29.1'), version: '29.1' };
  const hashes: Record<Tool, string[]> = { ours: [], ansible: [] };
  const roundTrips: { before?: RoundTrips; after?: RoundTrips; variantBefore?: RoundTrips; variantAfter?: RoundTrips } = {};
  let lab: BenchLab | undefined;
  try {
    // 1. Converge from scratch: fresh hosts for every tool and repetition. The last lab stays up for what follows.
    for (const [si, size] of plan.scratch.entries()) {
      for (let rep = 0; rep < plan.scratchReps; rep++) {
        for (const [ti, tool] of order(rep).entries()) {
          const last = si === plan.scratch.length - 1 && rep === plan.scratchReps - 1 && ti === 1;
          const want = last ? plan.systemdHosts : size;
          log(`converge from scratch, ${size} hosts, ${tool}, repetition ${rep + 1}/${plan.scratchReps} (lab of ${want})`);
          lab = await upLab(want, 'systemd', dir, tarball, () => {});
          await measure(`scratch${size}`, tool, lab, NODE, size, false);
          hashes[tool].push(await sha256On(lab.info.hosts[0].name, FILES));
          if (!last) {
            await downLab(lab);
            lab = undefined;
          }
        }
      }
    }
    if (!lab) {
      log(`lab of ${plan.systemdHosts} systemd hosts`);
      lab = await upLab(plan.systemdHosts, 'systemd', dir, tarball, () => {});
    }
    const same = new Set([...hashes.ours, ...hashes.ansible]).size <= 1;
    if (!same) throw new Error(`the tools wrote different files:\nprovision:\n${hashes.ours.join('\n')}\nansible:\n${hashes.ansible.join('\n')}`);
    if (hashes.ours.length) log('both tools wrote byte-identical i2pd.conf, bitcoin.conf and bitcoind.service');

    // The last lab was converged from scratch for its first hosts only: converge the rest, then each tool must
    // find nothing to change on hosts the other converged.
    const sys = lab!;
    check('provision converge of the whole lab', await runOurs(NODE_PLAYBOOK, sys.oursInventory, ['--forks', String(plan.systemdHosts)]), false);
    // That each tool finds nothing to change on hosts the other converged is asserted by the no-op rows below: their
    // first repetition runs provision then Ansible, the second Ansible then provision, each asserting changed=0.
    roundTrips.before = await countRoundTrips(NODE_PLAYBOOK, sys.oursInventory, false);
    roundTrips.after = await countRoundTrips(NODE_PLAYBOOK, sys.oursInventory, true);
    if (roundTrips.before.changed || roundTrips.after.changed) throw new Error('the in-process no-op changed something');

    // 2. No-op converge and 3. per-task overhead, alternating.
    for (let rep = 0; rep < plan.reps; rep++) {
      log(`no-op and per-task, repetition ${rep + 1}/${plan.reps}`);
      for (const size of plan.noop) for (const tool of order(rep)) await measure(`noop${size}`, tool, sys, NODE, size, true);
      for (const size of plan.perTask) for (const tool of order(rep)) await measure(`true50x${size}`, tool, sys, T50, size, true);
    }
    // 4. The floor on the same hosts.
    log('floor: raw ssh2');
    const conns = await openAll(sys.info.hosts, sys.info.keyFile, sys.info.knownHostsFile);
    try {
      const scripts = await probeScripts(conns, await loadPlaybook(NODE_PLAYBOOK), await loadInventory(sys.oursInventory), {});
      for (let rep = 0; rep < plan.reps; rep++) {
        for (const size of plan.perTask) add(`true50x${size}/floor`, await sequentialOnAll(conns.slice(0, size), Array(50).fill('/bin/true')));
        for (const size of plan.noop) add(`noop${size}/floor`, await oneScriptOnAll(conns.slice(0, size), scripts));
      }
    } finally {
      closeAll(conns);
    }
    // Start-up on its own: the no-op on one host of this lab, no other run going (the runs above overlap the tail of
    // the previous run's work on the hosts), so the time to the first connection is parse, validate and plan.
    for (let i = 0; i < STARTUP_RUNS; i++) {
      const r = await runOurs(NODE_PLAYBOOK, sys.oursInventory, ['--limit', limitTo(sys, 1)]);
      check('provision start-up run', r, true);
      if (r.firstConnectMs !== undefined) add('startupQuiet', r.firstConnectMs);
      if (r.firstConnectCpuMs !== undefined) add('startupQuietCpu', r.firstConnectCpuMs);
    }
    // Parse + validate alone.
    for (let i = 0; i < 5; i++) add('validate', await validateMs(NODE_PLAYBOOK, sys.oursInventory));
    // The same without the launcher's code cache (a first use: it writes the cache again).
    for (let i = 0; i < 3; i++) add('validateCold', await validateMs(NODE_PLAYBOOK, sys.oursInventory, { cold: true }));
    await downLab(sys);
    lab = undefined;

    // 2b. No-op on many hosts: a chroot lab (lighter), the playbook without what needs systemd.
    log(`no-op at scale: ${plan.chrootHosts} chroot hosts`);
    lab = await upLab(plan.chrootHosts, 'chroot', dir, tarball, () => {});
    const big = lab;
    check('provision converge (chroot)', await runOurs(NODE_PLAYBOOK, big.oursInventory, ['--forks', String(plan.chrootHosts), ...VARIANT_ARGS]), false);
    // Ansible's no-op after provision is asserted by the first repetition below (provision goes first, both assert changed=0).
    const variantVars = { bitcoin_install: false };
    roundTrips.variantBefore = await countRoundTrips(NODE_PLAYBOOK, big.oursInventory, false, variantVars, ['i2pd', 'bitcoin', 'ufw']);
    roundTrips.variantAfter = await countRoundTrips(NODE_PLAYBOOK, big.oursInventory, true, variantVars, ['i2pd', 'bitcoin', 'ufw']);
    for (let rep = 0; rep < plan.reps; rep++) {
      log(`no-op at scale, repetition ${rep + 1}/${plan.reps}`);
      for (const size of plan.big) for (const tool of order(rep)) if (tool === 'ours' || rep < plan.bigAnsibleReps) await measure(`big${size}`, tool, big, NODE, size, true, VARIANT_ARGS);
    }
    const bigConns = await openAll(big.info.hosts, big.info.keyFile, big.info.knownHostsFile);
    try {
      const scripts = await probeScripts(bigConns, await loadPlaybook(NODE_PLAYBOOK), await loadInventory(big.oursInventory), variantVars, ['i2pd', 'bitcoin', 'ufw']);
      for (let rep = 0; rep < plan.reps; rep++) for (const size of plan.big) add(`big${size}/floor`, await oneScriptOnAll(bigConns.slice(0, size), scripts));
    } finally {
      closeAll(bigConns);
    }
    await downLab(big);
    lab = undefined;
  } finally {
    if (lab) await downLab(lab).catch((e) => log(`lab down failed: ${e}`));
    rmSync(dir, { recursive: true, force: true });
  }

  const row = (what: string, key: string, hosts: number, extra: Partial<Row> = {}): Row => ({
    what, hosts, ours: med(`${key}/ours`), ansible: med(`${key}/ansible`), floor: med(`${key}/floor`),
    roundTrips: med(`${key}/rt`), rssMb: med(`${key}/rss`), ...extra,
  });
  const rows: Row[] = [
    ...plan.scratch.map((n) => row('converge from scratch: i2p-node.yml', `scratch${n}`, n)),
    ...plan.noop.map((n) => row('no-op: i2p-node.yml (+ verify.yml)', `noop${n}`, n)),
    ...plan.big.map((n) => row('no-op: i2p-node.yml, tags i2pd,bitcoin,ufw, bitcoin_install=false (chroot hosts)', `big${n}`, n)),
    ...plan.perTask.map((n) => row('50 tasks of /bin/true', `true50x${n}`, n, { perTaskMs: med(`true50x${n}/perTask`), floorPerTaskMs: med(`true50x${n}/floor`) / 50 })),
  ];
  const report: Report = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    mode: noopOnly ? '--no-op' : quick ? '--quick' : '',
    load: { start: loadAtStart, end: loadavg() },
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}`,
    versions: `provision ${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version} (node ${process.version}), ${await ansibleVersion()}, OpenSSH ${(await timed(['ssh', '-V'])).stderr.trim()}`,
    reps: { scratch: plan.scratchReps, other: plan.reps, bigAnsible: plan.bigAnsibleReps },
    rows,
    roundTrips,
    startup: {
      validateMs: med('validate'),
      validateColdMs: med('validateCold'),
      quietMs: med('startupQuiet'),
      quietCpuMs: med('startupQuietCpu'),
      quietRuns: STARTUP_RUNS,
      firstConnectMs: med('firstConnect'),
      firstConnectCpuMs: med('firstConnectCpu'),
    },
    minutes: (Date.now() - started) / 60_000,
  };
  const md = renderReport(report);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/${noopOnly ? 'NOOP' : 'LATEST'}.md`), md);
  process.stdout.write(md);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
