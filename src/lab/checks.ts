// What the lab needs from the machine, checked before anything is created, each failure a one-line error.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ProvisionError } from '../errors.js';
import { cmd } from '../shell/quote.js';
import { installCommand, installMachinePackages, MACHINE_PACKAGES } from './machine-packages.js';
import { have, run } from './run.js';
import type { LabMode } from './state.js';


/** The command line that runs provision ARGS again as root (sudo keeps PATH, where npx and node are). */
export function asRoot(args: string[]): string {
  return cmd('sudo', '--preserve-env=PATH', 'npx', 'provision', ...args).text;
}

/** Throws unless this is Linux, as root. */
export function assertLinuxRoot(): void {
  if (process.platform !== 'linux') {
    throw new ProvisionError({ what: `lab: needs Linux (network namespaces, overlayfs); this is ${process.platform}`, code: 'lab-not-linux' });
  }
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) {
    throw new ProvisionError({ what: `lab: needs root (it creates network namespaces, mounts and a bridge); running as uid ${uid}`, fix: `run it as root: ${asRoot(process.argv.slice(2))}`, code: 'lab-not-root' });
  }
}

/** Installs the Debian packages the lab lacks (saying which through log); throws when a kernel feature or a program
 * the lab needs is missing and cannot be installed. */
export async function preflight(mode: LabMode, needDebootstrap: boolean, log: (line: string) => void): Promise<void> {
  assertLinuxRoot();
  if (!existsSync('/proc/self/ns/net')) {
    throw new ProvisionError({ what: 'lab: this kernel has no network namespaces (/proc/self/ns/net is missing)', fix: 'use a kernel built with CONFIG_NET_NS', code: 'lab-kernel' });
  }
  if (!(await hasOverlay())) {
    throw new ProvisionError({ what: 'lab: this kernel has no overlayfs (not in /proc/filesystems, modprobe overlay failed)', fix: 'use a kernel with CONFIG_OVERLAY_FS', code: 'lab-kernel' });
  }
  await installMachinePackages(log);
  const programs = ['ip', 'ssh', 'ssh-keygen', 'nsenter', 'mount', 'umount', 'tar', 'apt-get', 'dpkg-scanpackages'];
  programs.push(mode === 'systemd' ? 'systemd-nspawn' : 'unshare');
  if (needDebootstrap) programs.push('debootstrap');
  for (const p of programs) {
    if (!(await have(p))) throw new ProvisionError({ what: `lab: ${p} is not installed on this machine`, fix: installCommand(MACHINE_PACKAGES), code: 'lab-missing-program' });
  }
}

async function hasOverlay(): Promise<boolean> {
  const listed = async () => (await readFile('/proc/filesystems', 'utf8')).split('\n').some((l) => l.trim().endsWith('overlay'));
  if (await listed()) return true;
  await run(['modprobe', 'overlay']);
  return listed();
}

/** Lab names become host names, interface and namespace names: keep them short and plain. */
export function assertLabName(name: string): void {
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(name)) {
    throw new ProvisionError({ what: `lab: invalid lab name "${name}"`, expected: 'a lowercase letter, then up to 15 lowercase letters, digits or dashes', code: 'lab-name' });
  }
}
