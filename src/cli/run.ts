// `provision run PLAYBOOK -i INVENTORY`: load and validate both, run, report, exit with Ansible's codes.
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { loadPlaybook } from '../playbook/load.js';
import { parseExtraVars } from '../playbook/vars.js';
import { runPlaybook, type RunSummary } from '../runner/run.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisionError } from '../errors.js';
import type { RunEvent } from '../runner/events.js';
import { humanReporter } from '../report/human.js';
import { jsonReporter } from '../report/json.js';
import { JunitCollector } from '../report/junit.js';
import { parseShard, type Shard } from '../runner/shard.js';
import { loadInventoryArg } from '../inventory/arg.js';
import { abortOnInterrupt } from './interrupt.js';
import { EXIT_USAGE } from './errors.js';
import { checkReportFile } from './report-file.js';
import { collect, commaList, increase, positiveInt } from './options.js';
import '../modules/index.js';
import { settled } from './settled.js';

/** Options of `provision run`. */
export interface RunCliOptions {
  inventory?: string;
  limit?: string;
  shard?: Shard;
  check?: boolean;
  diff?: boolean;
  forks?: number;
  extraVars?: string[];
  tags?: string[];
  skipTags?: string[];
  startAtTask?: string;
  verbose?: number;
  json?: boolean;
  junit?: string;
  acceptNewHostKeys?: boolean;
  forceHandlers?: boolean;
  connectTimeout?: number;
  commandTimeout?: number;
  lab?: number;
  /** Receives the run's summary (for --lab's second-run check). */
  onSummary?: (s: RunSummary) => void;
}

/** Adds `provision run`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a playbook against the hosts of an inventory')
    .argument('<playbook>', 'playbook YAML file')
    .option('-i, --inventory <file>', 'inventory: a YAML file, or a comma list of hosts ("a,b,")')
    .option('-l, --limit <pattern>', 'further limit the hosts (e.g. "web*:!web3")')
    .option('--shard <i/n>', 'only the i-th of n stable shares of the hosts (for parallel CI jobs)', parseShard)
    .option('-C, --check', 'change nothing; report what would change')
    .option('-D, --diff', 'show unified diffs of changed files (secrets redacted)')
    .option('-f, --forks <n>', 'hosts worked on at once (default 50)', positiveInt('--forks', 5000))
    .option('-e, --extra-vars <vars>', 'k=v, JSON, or @file.yml; repeatable; always wins', collect)
    .option('-t, --tags <tags>', 'only tasks with these tags', commaList)
    .option('--skip-tags <tags>', 'skip tasks with these tags', commaList)
    .option('--start-at-task <name>', 'start at the task with this name')
    .option('--force-handlers', 'run notified handlers even on hosts that failed')
    .option('--accept-new-host-keys', 'trust on first use: record unknown host keys (a changed key is always refused)')
    .option('-T, --connect-timeout <seconds>', 'SSH connect timeout (default 10)', positiveInt('--connect-timeout', 3600))
    .option('--command-timeout <seconds>', 'kill a remote command still running after this long (default: none)', positiveInt('--command-timeout', 86400))
    .option('-v, --verbose', 'more output: -v notes and commands, -vv also what commands printed, -vvv internal stack traces', increase, 0)
    .option('--lab <n>', 'smoke deploy: bring up N throwaway lab hosts, run, run again expecting no change, tear down', positiveInt('--lab', 100))
    .option('--json', 'one JSON event per line on stdout instead of human output')
    .option('--junit <file>', 'also write a JUnit XML report to this file')
    .action(async (playbookFile: string, opts: RunCliOptions) => {
      process.exitCode = opts.lab ? await smokeDeploy(playbookFile, opts) : await runCommand(playbookFile, opts);
    });
}

/** The work of `provision run`; returns the exit code. */
export async function runCommand(playbookFile: string, opts: RunCliOptions): Promise<number> {
  const [playbook, inventory, extraVars] = await settled([
    loadPlaybook(playbookFile),
    loadInventoryArg(opts.inventory),
    parseExtraVars(opts.extraVars ?? [], process.cwd()),
    opts.junit !== undefined ? checkReportFile('--junit', opts.junit) : undefined,
  ] as const);
  const listeners: ((e: RunEvent) => void)[] = [];
  if (opts.json) listeners.push(jsonReporter((l) => process.stdout.write(l)));
  else {
    const tty = process.stdout.isTTY === true;
    listeners.push(humanReporter({ write: (t) => process.stdout.write(t), tty, color: tty && !process.env.NO_COLOR, verbose: opts.verbose ?? 0, diff: !!opts.diff }));
  }
  const junit = opts.junit ? new JunitCollector() : undefined;
  if (junit) listeners.push(junit.listener);

  // First Ctrl-C/SIGTERM: start nothing new, let running commands finish. Second: kill them.
  const stop = new AbortController();
  const kill = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      process.stderr.write(`\n${sig}: finishing the commands in flight, starting nothing new (again to kill them)\n`);
      stop.abort();
    } else kill.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await runPlaybook({
      playbook,
      inventory,
      extraVars,
      limit: opts.limit,
      shard: opts.shard,
      check: opts.check,
      diff: opts.diff,
      forks: opts.forks,
      tags: opts.tags,
      skipTags: opts.skipTags,
      startAtTask: opts.startAtTask,
      forceHandlers: opts.forceHandlers,
      acceptNewHostKeys: opts.acceptNewHostKeys,
      connectTimeoutMs: opts.connectTimeout ? opts.connectTimeout * 1000 : undefined,
      commandTimeoutMs: opts.commandTimeout ? opts.commandTimeout * 1000 : undefined,
      verbose: opts.verbose,
      onEvent: (e) => listeners.forEach((l) => l(e)),
      stopSignal: stop.signal,
      killSignal: kill.signal,
    });
    opts.onSummary?.(summary);
    if (junit && opts.junit) {
      // Checked before the run; if it still fails (the folder went away), say so and keep the run's own exit code.
      const failed = await writeFile(opts.junit, junit.toXml()).then(() => undefined, (e: Error) => e.message);
      if (failed) {
        process.stderr.write(`error: --junit ${opts.junit}: the report was not written: ${failed}\n`);
        return summary.exitCode || EXIT_USAGE;
      }
    }
    return summary.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * `--lab N`: the command a CI pipeline calls. Up a lab, converge it, converge again and demand no change (the
 * idempotency contract), tear the lab down whatever happened.
 */
export async function smokeDeploy(playbookFile: string, opts: RunCliOptions): Promise<number> {
  if (opts.inventory) throw new ProvisionError({ what: '--lab and -i cannot be used together', fix: '--lab writes its own inventory: drop -i', code: 'usage' });
  await loadPlaybook(playbookFile); // validate before spending time on hosts
  if (opts.junit !== undefined) await checkReportFile('--junit', opts.junit);
  const { labUp, labDown } = await import('../lab/index.js');
  const dir = await mkdtemp(join(tmpdir(), 'provision-smoke-'));
  const name = `smoke${process.pid % 100000}x`;
  const say = (t: string) => (opts.json ? process.stderr : process.stdout).write(t);
  try {
    // Ctrl-C (or SIGTERM) while the lab comes up stops it there: debootstrap and apt are killed, and what was started
    // is removed (the runs install their own handlers).
    const lab = await abortOnInterrupt((signal) => labUp({ name, hosts: opts.lab, inventory: join(dir, 'inventory.yml'), log: (l) => say(`lab: ${l}\n`), signal }));
    const first = await runCommand(playbookFile, { ...opts, inventory: lab.inventoryFile });
    if (first !== 0) return first;
    say('\nSECOND RUN: expecting no changes\n');
    let changed = 0;
    const second = await runCommand(playbookFile, { ...opts, inventory: lab.inventoryFile, onSummary: (s) => (changed = Object.values(s.recap).reduce((n, r) => n + r.changed, 0)) });
    if (second !== 0) return second;
    if (changed > 0) {
      say(`\nSMOKE DEPLOY FAILED: the second run changed ${changed} task${changed === 1 ? '' : 's'}; the playbook is not idempotent\n`);
      return 2;
    }
    say(`\nSmoke deploy passed: ${opts.lab} host${opts.lab === 1 ? '' : 's'} converged, and a second run changed nothing.\n`);
    return 0;
  } finally {
    await labDown(name).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
