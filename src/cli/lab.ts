// `provision lab ...`: throwaway Debian hosts on this machine (built in src/lab). argv → library calls only.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { ProvisionError } from '../errors.js';
import { labExtensions, labDown, labExecArgv, labSshArgv, labStatus, labUp, roleTag, type LabCliHelpers, type LabMode, type LabStatus } from '../lab/index.js';
import { abortOnInterrupt } from './interrupt.js';
import { commaList, positiveInt } from './options.js';

interface UpOptions {
  hosts?: number;
  mode?: string;
  packages?: string[];
  name?: string;
  inventory?: string;
  json?: boolean;
}

// What the CLI lends a lab extension's options and commands.
const helpers: LabCliHelpers = { positiveInt };

/** Adds the `lab` command group. */
export function registerLab(program: Command): void {
  const lab = program
    .command('lab')
    .description('throwaway Debian 12 hosts on this machine (as root): own IP, overlay root, sshd, apt from a local repo, ufw, systemd')
    .enablePositionalOptions();

  const up = lab
    .command('up')
    .description('start N hosts and write an inventory, a known_hosts and a lab key for `provision run`')
    .option('-n, --hosts <n>', 'number of hosts (default 3)', positiveInt('--hosts', 240))
    .option('--mode <mode>', 'systemd (default: real systemd as PID 1) or chroot (sshd as PID 1, lighter)')
    .option('--packages <list>', 'Debian packages for the local apt repository (default: what the bundled playbooks need)', commaList)
    .option('--name <name>', 'lab name; hosts are NAME1..NAMEn (default lab)')
    .option('-i, --inventory <file>', 'where to write the inventory (default inventories/lab.yml)');
  for (const e of labExtensions()) e.cli?.upOptions(up, helpers);
  up.option('--json', 'print the lab as JSON')
    .action(async (opts: UpOptions & Record<string, unknown>) => {
      const extensions = extensionOptions(opts);
      if (opts.mode !== undefined && opts.mode !== 'systemd' && opts.mode !== 'chroot') {
        throw new ProvisionError({ what: `invalid --mode`, expected: 'systemd or chroot', got: JSON.stringify(opts.mode), code: 'usage' });
      }
      // Ctrl-C during `up`: stop starting things and remove what was started.
      const info = await abortOnInterrupt((signal) =>
        labUp({
          hosts: opts.hosts, mode: opts.mode as LabMode | undefined, packages: opts.packages, name: opts.name,
          inventory: opts.inventory, extensions, signal, log: (l) => process.stderr.write(`lab: ${l}\n`),
        }),
      );
      if (opts.json) return void process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      for (const h of info.hosts) process.stdout.write(`${h.name}\t${h.address}\n`);
      for (const e of labExtensions()) for (const line of e.cli?.upLines?.(info) ?? []) process.stdout.write(line);
      process.stdout.write(`inventory: ${info.inventoryFile}\nnext: provision run PLAYBOOK -i ${info.inventoryFile}\n`);
    });

  lab
    .command('status')
    .description('labs on this machine, their hosts, addresses, up/down and memory')
    .option('--name <name>', 'only this lab')
    .option('--json', 'print as JSON')
    .action(async (opts: { name?: string; json?: boolean }) => {
      const labs = await labStatus(opts.name);
      if (opts.json) return void process.stdout.write(`${JSON.stringify(labs, null, 2)}\n`);
      if (!labs.length) return void process.stdout.write(opts.name ? `no lab named "${opts.name}" is up\n` : 'no lab is up\n');
      for (const l of labs) process.stdout.write(describe(l));
    });

  lab
    .command('down')
    .description('remove every process, mount, namespace, link, cgroup and file of a lab (harmless when none is up)')
    .option('--name <name>', 'lab name (default lab)')
    .action(async (opts: { name?: string }) => {
      const name = opts.name ?? 'lab';
      const removed = await labDown(name);
      process.stdout.write(removed ? `lab ${name}: down\n` : `lab ${name}: was not up\n`);
    });

  lab
    .command('ssh')
    .description('an interactive ssh session to a host, with the lab key and known_hosts (strict host keys)')
    .argument('<host>', 'host name or address')
    .argument('[command...]', 'a command instead of a shell')
    .option('--name <name>', 'lab name (default: the lab that has this host)')
    .passThroughOptions()
    .action(async (host: string, command: string[], opts: { name?: string }) => {
      process.exitCode = await passThrough(await labSshArgv(opts.name, host, command[0] === '--' ? command.slice(1) : command));
    });

  for (const e of labExtensions()) e.cli?.commands?.(lab, helpers);

  lab
    .command('exec')
    .description('run a command inside a host without SSH or the provisioner (nsenter); exits with its exit code')
    .argument('<host>', 'host name or address')
    .argument('<command...>', 'the command and its arguments (put `--` before it)')
    .option('--name <name>', 'lab name (default: the lab that has this host)')
    .passThroughOptions()
    .action(async (host: string, command: string[], opts: { name?: string }) => {
      process.exitCode = await passThrough(await labExecArgv(opts.name, host, dropDashDash(command)));
    });
}

// Each extension's labUp options from `lab up`'s, for the extensions asked for (none: undefined).
function extensionOptions(opts: Record<string, unknown>): Record<string, unknown> | undefined {
  const asked = labExtensions().flatMap((e) => {
    const o = e.cli?.fromUpOptions(opts);
    return o === undefined ? [] : [[e.name, o] as const];
  });
  return asked.length ? Object.fromEntries(asked) : undefined;
}

function describe(l: LabStatus): string {
  const up = l.hosts.filter((h) => h.up).length;
  const lines = [`lab ${l.name}: ${l.mode} mode, ${up}/${l.hosts.length} hosts up, bridge ${l.bridge} (${l.gateway}/24), repository ${l.repoUp ? l.repoUrl : 'down'}`];
  lines.push(`  inventory: ${l.inventoryFile}`);
  for (const h of l.hosts) {
    const mem = h.memoryBytes !== undefined ? `  ${(h.memoryBytes / 1048576).toFixed(1)} MiB` : '';
    lines.push(`  ${h.name}\t${h.address}\t${h.up ? 'up' : 'down'}${mem}${h.role ? `\t(${roleTag(h.role)})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

// Whether commander leaves the `--` in depends on the root program's option parsing: accept both.
function dropDashDash(argv: string[]): string[] {
  const rest = argv[0] === '--' ? argv.slice(1) : argv;
  if (!rest.length) throw new ProvisionError({ what: 'lab exec: no command given', expected: 'provision lab exec HOST -- COMMAND [ARGS...]', code: 'usage' });
  return rest;
}

// Runs a command with this terminal; resolves with its exit code.
function passThrough(argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
}
