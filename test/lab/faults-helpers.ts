// Shared by the fault-injection suites (test/lab/faults-*.test.ts): the real CLI as a child process that can be
// signalled, a private chroot lab per suite, inventories and playbooks in a temp folder, and readers for what the
// operator sees (per-task host lines, the PLAY RECAP).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { labDown, labExec, labUp } from '../../src/lab/index.js';
import { loadCollectionsWithLab } from '../../src/cli/collections.js';

// Every lab's repository holds what the bundled collections' playbooks install (i2pd): their lab extensions say so.
await loadCollectionsWithLab();

/** The built CLI the operator runs. */
export const CLI = resolve('dist/cli/main.js');

/** What one `provision` process showed and how it ended. */
export interface CliResult {
  code: number | null;
  out: string;
  ms: number;
}

/** A running `provision` process: signal it, read its output so far, await its end. */
export interface CliRun {
  child: ChildProcess;
  output(): string;
  done: Promise<CliResult>;
}

/** Starts `node dist/cli/main.js ...args` (stdout and stderr interleaved as a terminal would show them). */
export function startCli(args: string[]): CliRun {
  const started = Date.now();
  const child = spawn('node', [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<CliResult>((res) => child.on('close', (code) => res({ code, out, ms: Date.now() - started })));
  return { child, output: () => out, done };
}

/** Runs the CLI to the end. */
export function cli(...args: string[]): Promise<CliResult> {
  return startCli(args).done;
}

/** Polls until `check` is true; throws after `ms` naming what was awaited. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A lab a suite brings up for itself (chroot mode: sshd is each host's PID 1) and the temp folder beside it. */
export interface FaultsLab {
  name: string;
  dir: string;
  inventory: string;
  keyFile: string;
  hosts: { name: string; address: string }[];
  /** `sh -c script` inside a host, without SSH (lab exec). */
  sh(host: string, script: string, timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Writes a playbook into the temp folder and returns its path. */
  playbook(file: string, yaml: string): string;
  /** known_hosts with every host's key for ports 22, 2200 and 2222 (the suites move or add sshds there). */
  knownHostsFile: string;
  /** Writes an inventory with per-host extra lines (e.g. `port: 2200`) and extra `all` vars; returns its path. */
  writeInventory(file: string, hostLines?: Record<string, string[]>, vars?: Record<string, unknown>): string;
  down(): Promise<void>;
}

/** Brings up a chroot lab named `name` with `count` hosts. */
export async function faultsLab(name: string, count: number): Promise<FaultsLab> {
  const dir = mkdtempSync(join(tmpdir(), `provision-${name}-`));
  const inventory = join(dir, 'inventory.yml');
  await labDown(name).catch(() => false); // the remains of an interrupted earlier run
  const info = await labUp({ name, hosts: count, mode: 'chroot', inventory });
  const doc = parse(readFileSync(inventory, 'utf8')) as { all: { vars: Record<string, unknown> } };
  const knownHostsFile = join(dir, 'known_hosts');
  const keys = readFileSync(info.knownHostsFile, 'utf8').split('\n').filter((l) => /^\d+\.\d+\.\d+\.\d+ /.test(l));
  writeFileSync(knownHostsFile, [...keys, ...[2200, 2222].flatMap((p) => keys.map((l) => l.replace(/^(\S+)/, `[$1]:${p}`)))].join('\n') + '\n');
  const lab: FaultsLab = {
    name,
    dir,
    inventory,
    keyFile: info.keyFile,
    knownHostsFile,
    hosts: info.hosts,
    sh: (host, script, timeoutMs = 60_000) => labExec(name, host, ['sh', '-c', script], { timeoutMs }),
    playbook(file, yaml) {
      const path = join(dir, file);
      writeFileSync(path, yaml);
      return path;
    },
    writeInventory(file, hostLines = {}, vars = {}) {
      const lines = ['all:', '  hosts:'];
      for (const h of info.hosts) lines.push(`    ${h.name}:`, `      address: ${h.address}`, ...(hostLines[h.name] ?? []).map((l) => `      ${l}`));
      const all = { ...doc.all.vars, known_hosts_file: knownHostsFile, ...vars };
      lines.push('  vars:', ...Object.entries(all).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`));
      const path = join(dir, file);
      writeFileSync(path, lines.join('\n') + '\n');
      return path;
    },
    async down() {
      await labDown(name);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return lab;
}

/** Per task (in output order): host → status, read from the `status: [host]` lines under each TASK header. */
export function taskResults(out: string): { task: string; hosts: Record<string, string> }[] {
  const tasks: { task: string; hosts: Record<string, string> }[] = [];
  for (const line of out.split('\n')) {
    const t = /^(?:TASK|RUNNING HANDLER) \[(.*)\]/.exec(line);
    if (t) tasks.push({ task: t[1], hosts: {} });
    const r = /^(ok|changed|skipped|failed|unreachable|failed \(ignored\)): \[([^\]]+)\]/.exec(line);
    if (r && tasks.length) tasks[tasks.length - 1].hosts[r[2]] = r[1];
  }
  return tasks;
}

/** The PLAY RECAP counters per host. */
export function recap(out: string): Record<string, Record<string, number>> {
  const at = out.lastIndexOf('PLAY RECAP');
  if (at < 0) return {};
  const rows: Record<string, Record<string, number>> = {};
  for (const line of out.slice(at).split('\n').slice(1)) {
    const m = /^(\S+)\s+: (.*)$/.exec(line);
    if (!m) continue;
    rows[m[1]] = Object.fromEntries([...m[2].matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1], Number(x[2])]));
  }
  return rows;
}

/** The line a host got under one task, e.g. `unreachable: [h] connection ... lost` (with its indented lines). */
export function hostLine(out: string, task: string, host: string): string | undefined {
  const start = out.indexOf(`TASK [${task}]`);
  if (start < 0) return undefined;
  const next = out.indexOf('\nTASK [', start + 1);
  const section = out.slice(start, next < 0 ? undefined : next);
  const m = new RegExp(`^\\w[\\w ()]*: \\[${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\][^\\n]*(\\n {4,}[^\\n]*)*`, 'm').exec(section);
  return m?.[0];
}
