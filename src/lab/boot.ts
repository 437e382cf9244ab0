// Starting and stopping a host's processes: systemd-nspawn (real systemd as PID 1) or unshare + chroot + sshd.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cgroupPids } from './cgroups.js';
import { mergedDir } from './hosts.js';
import { netnsPids } from './net.js';
import { SYSTEM_PATH } from './run.js';
import type { HostState, LabMode } from './state.js';

// Joins the cgroups named in $LAB_CGROUPS, then becomes the host's starter: everything it forks stays in them.
const JOIN_CGROUPS = 'for d in $LAB_CGROUPS; do echo $$ > "$d/cgroup.procs"; done; exec "$@"';

/** The command that runs a host in the given mode. */
export function bootArgv(mode: LabMode, host: HostState): string[] {
  const root = mergedDir(host.dir);
  if (mode === 'chroot') {
    return ['ip', 'netns', 'exec', host.netns, 'unshare', '--mount', '--uts', '--ipc', '--pid', '--fork', '--kill-child', `--mount-proc=${root}/proc`, 'chroot', root, '/usr/local/sbin/lab-init'];
  }
  return [
    'systemd-nspawn', '--quiet', '--boot', `--directory=${root}`, `--machine=${host.name}`,
    `--network-namespace-path=/run/netns/${host.netns}`,
    // No systemd on the control machine to register with; keep the cgroup the lab gave it.
    '--register=no', '--keep-unit', '--private-users=no',
    // ufw needs it; the namespace keeps it away from the control machine's own network.
    '--capability=CAP_NET_ADMIN',
    // The host's resolv.conf points at the lab gateway; the control machine's must not replace it.
    '--resolv-conf=off', '--timezone=off', '--link-journal=no', '--console=read-only',
  ];
}

/** Starts a host detached from this process (it outlives `lab up`); returns the starter's PID. */
export function startHost(mode: LabMode, host: HostState): number {
  const log = openSync(join(host.dir, 'console.log'), 'a');
  try {
    const child = spawn('sh', ['-c', JOIN_CGROUPS, 'sh', ...bootArgv(mode, host)], {
      detached: true,
      stdio: ['ignore', log, log],
      // A clean environment: nothing of the caller's (NOTIFY_SOCKET, NODE_OPTIONS, ...) leaks into the host.
      env: { PATH: SYSTEM_PATH, LANG: 'C.UTF-8', LAB_CGROUPS: host.cgroups.join(' ') },
    });
    child.unref();
    if (!child.pid) throw new Error(`could not start ${host.name}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** True while a process exists and is not a zombie. */
export async function alive(pid: number | undefined): Promise<boolean> {
  if (!pid) return false;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The host's PID 1 as seen from the control machine (the process whose PID in its own namespace is 1). */
export async function initPid(host: HostState): Promise<number | undefined> {
  for (const pid of await netnsPids(host.netns)) {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const ns = /^NSpid:\s+(.*)$/m.exec(status)?.[1].trim().split(/\s+/);
      if (ns && ns.length > 1 && ns[ns.length - 1] === '1') return pid;
    } catch {
      /* exited meanwhile */
    }
  }
  return undefined;
}

/** Kills every process of a host (its cgroups, its network namespace, its starter) and waits until they are gone. */
export async function stopHost(host: HostState): Promise<void> {
  // A throwaway host needs no orderly shutdown; SIGKILL to all of it is fast and leaves nothing running.
  for (let round = 0; round < 50; round++) {
    const pids = new Set([...(await cgroupPids(host.cgroups)), ...(await netnsPids(host.netns))]);
    if (host.pid && (await alive(host.pid))) pids.add(host.pid);
    const living = [];
    for (const p of pids) if (p !== process.pid && (await alive(p))) living.push(p);
    if (!living.length) break;
    for (const p of living) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // systemd-nspawn leaves these behind when it is killed.
  await rm(`/run/systemd/nspawn/propagate/${host.name}`, { recursive: true, force: true });
  if (host.nspawnLock) await rm(host.nspawnLock, { force: true });
}
