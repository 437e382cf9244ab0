// The Debian packages the lab needs on the control machine: `lab up` installs the missing ones itself (as root, with
// apt, saying which first), so a brand-new machine needs no set-up command of its own.
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { ProvisionError } from '../errors.js';
import { have, lastLines, run } from './run.js';

/**
 * Package → why the lab needs it. debootstrap: the base root filesystem; iproute2: bridge, netns, veth; dpkg-dev:
 * dpkg-scanpackages for the local repository; systemd-container: systemd-nspawn; openssh-client: ssh, ssh-keygen;
 * util-linux: unshare, nsenter; zstd: compresses the cached base; procps: process checks; ca-certificates: https
 * mirrors; debian-archive-keyring: debootstrap checks Debian's release signatures with it (Ubuntu lacks it).
 */
export const MACHINE_PACKAGES = [
  'debootstrap', 'iproute2', 'dpkg-dev', 'systemd-container', 'openssh-client', 'util-linux', 'zstd', 'procps', 'ca-certificates', 'debian-archive-keyring',
];

/** The apt-get command that installs packages, as printed in fixes (and run, as argv, by installMachinePackages). */
export function installCommand(packages: string[]): string {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/** Which of `packages` dpkg does not list as installed; undefined when this machine has no dpkg (not Debian). */
export async function missingPackages(packages: string[]): Promise<string[] | undefined> {
  if (!(await have('dpkg-query'))) return undefined;
  const r = await run(['dpkg-query', '-W', '-f=${Package}\t${db:Status-Abbrev}\n', '--', ...packages]);
  const installed = new Set(r.stdout.split('\n').filter((l) => /^\S+\t.i/.test(l)).map((l) => l.split('\t')[0].split(':')[0]));
  return packages.filter((p) => !installed.has(p));
}

/** Installs the lab's Debian packages that are missing, saying which through log first (see installDebianPackages). */
export function installMachinePackages(log: (line: string) => void): Promise<void> {
  return installDebianPackages(MACHINE_PACKAGES, 'the lab', log);
}

/**
 * Installs those of `packages` that dpkg lacks (apt-get update first, only when something is), logging which and for
 * what before it starts; does nothing on a machine without dpkg. Services a package would start are not started
 * (a policy-rc.d that says no, only while apt runs and only where the machine has none). Throws a ProvisionError
 * with the exact command when it cannot (no apt-get, or apt failed).
 */
export async function installDebianPackages(packages: string[], purpose: string, log: (line: string) => void): Promise<void> {
  const missing = await missingPackages(packages);
  if (missing === undefined || !missing.length) return;
  if (!(await have('apt-get'))) {
    throw new ProvisionError({ what: `${purpose} needs ${missing.join(', ')}, and this machine has no apt-get to install them`, fix: `install them with the system's package manager (on Debian/Ubuntu: ${installCommand(missing)})`, code: 'missing-packages' });
  }
  log(`installing on this machine the Debian packages needed by ${purpose}: ${missing.join(', ')}`);
  const policy = existsSync(POLICY_RC_D) ? undefined : POLICY_RC_D;
  if (policy) await writeFile(policy, '#!/bin/sh\n# Written by provision while it installs packages: start no service.\nexit 101\n', { mode: 0o755 });
  try {
    await aptInstall(missing, purpose);
  } finally {
    if (policy) await rm(policy, { force: true });
  }
}

// Debian's hook that tells maintainer scripts whether they may start a service (exit 101: no).
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

async function aptInstall(missing: string[], purpose: string): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C', PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` };
  const steps = [
    { name: 'apt-get update', argv: ['apt-get', '-q', 'update'] },
    { name: 'apt-get install', argv: ['apt-get', '-q', '-y', 'install', '--no-install-recommends', '--', ...missing] },
  ];
  for (const { name, argv } of steps) {
    const r = await run(argv, { env, timeoutMs: 15 * 60_000 });
    if (r.code !== 0) {
      const detail = lastLines(r);
      throw new ProvisionError({
        what: `installing ${missing.join(', ')} for ${purpose} failed: ${name} exited ${r.code}`,
        got: detail || '(no output)',
        fix: `check this machine's apt sources and network, then run \`${installCommand(missing)}\``,
        code: 'lab-packages',
      });
    }
  }
  const still = (await missingPackages(missing)) ?? [];
  if (still.length) throw new ProvisionError({ what: `apt-get reported success but ${still.join(', ')} is still not installed`, fix: installCommand(still), code: 'lab-packages' });
}
