// Running a command inside a host without the provisioner and without SSH: nsenter into the host's namespaces.
// It works even when a playbook broke sshd or the firewall, which is what an independent check needs.
import { ProvisionError } from '../errors.js';
import { initPid } from './boot.js';
import { run, type RunResult } from './run.js';
import type { HostState } from './state.js';

/** The environment a command inside a host gets (the host's own, not the caller's). */
export const HOST_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'LANG=C.UTF-8', 'USER=root', 'LOGNAME=root'];

/** The argv that runs `argv` inside the host whose PID 1 is `pid` (mount, UTS, IPC, network, PID, cgroup, root). */
export function nsenterArgv(pid: number, argv: string[], extraEnv: string[] = []): string[] {
  return ['nsenter', '-t', String(pid), '-m', '-u', '-i', '-n', '-p', '-C', '-r', '-w', '--', '/usr/bin/env', '-i', ...HOST_ENV, ...extraEnv, ...argv];
}

/** Finds the host's PID 1 or explains that the host is not running. */
export async function requireInit(lab: string, host: HostState): Promise<number> {
  const pid = await initPid(host);
  if (!pid) {
    throw new ProvisionError({ what: `lab ${lab}: host ${host.name} is not running`, fix: `provision lab down --name ${lab}, then lab up again`, code: 'lab-host-down' });
  }
  return pid;
}

/** Runs argv inside a host and returns its exit code and output. */
export async function execInHost(lab: string, host: HostState, argv: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const pid = await requireInit(lab, host);
  return run(nsenterArgv(pid, argv), { ...options, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
}
