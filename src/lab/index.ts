// provision lab: throwaway Debian 12 hosts on this machine (network namespaces, overlayfs, systemd-nspawn or
// chroot + sshd, a local apt repository). The library API; src/cli/lab.ts only wires argv to it.
import { alive, initPid } from './boot.js';
import { memoryBytes } from './cgroups.js';
import { assertLabName, assertLinuxRoot } from './checks.js';
import { teardown } from './down.js';
import { execInHost, nsenterArgv, requireInit } from './exec.js';
import { findHost, labsNamed } from './find.js';
import { sshOptions } from './ready.js';
import { labInfo, type LabInfo } from './up.js';
import { readState, type LabState } from './state.js';
import type { RunResult } from './run.js';

export { labUp, hostName, type LabInfo, type LabUpOptions } from './up.js';
export { NODES_GROUP } from './config.js';
export { findHost } from './find.js';
export { labExtensions, registerLabExtension, roleTag } from './extensions.js';
export type { LabCliHelpers, LabExtension } from './extension.js';
export { sshOptions } from './ready.js';
export type { LabMode } from './state.js';

/** One host as `lab status` reports it. */
export interface HostStatus {
  name: string;
  address: string;
  up: boolean;
  /** Memory charged to the host's cgroup, bytes (undefined when the machine cannot tell). */
  memoryBytes?: number;
  /** The role of a lab extension's service host (not in the inventory). */
  role?: string;
}

/** One lab as `lab status` reports it. */
export interface LabStatus extends LabInfo {
  bridge: string;
  gateway: string;
  repoUp: boolean;
  hosts: HostStatus[];
}

/** Takes a lab down (default name `lab`): every process, mount, namespace, link, cgroup and file. False when none was up. */
export async function labDown(name = 'lab'): Promise<boolean> {
  assertLinuxRoot();
  assertLabName(name);
  const state = await readState(name);
  if (!state) return false;
  await teardown(state);
  return true;
}

/** Status of one lab, or of every lab on this machine when no name is given. */
export async function labStatus(name?: string): Promise<LabStatus[]> {
  const names = await labsNamed(name);
  const out: LabStatus[] = [];
  for (const n of names) {
    const s = await readState(n);
    if (s) out.push(await statusOf(s));
  }
  return out;
}

async function statusOf(s: LabState): Promise<LabStatus> {
  const hosts: HostStatus[] = [];
  for (const h of s.hosts) {
    hosts.push({ name: h.name, address: h.address, up: (await initPid(h)) !== undefined, memoryBytes: await memoryBytes(h.cgroups), ...(h.role ? { role: h.role } : {}) });
  }
  return { ...labInfo(s), bridge: s.bridge, gateway: s.gateway, repoUp: await alive(s.repo?.pid), hosts };
}

/** Runs argv inside a lab host (nsenter, no SSH, no provisioner) and returns its exit code and output. */
export async function labExec(name: string, host: string, argv: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const h = await findHost(name, host);
  return execInHost(h.lab.name, h, argv, options);
}

/** The argv that runs argv inside a host (for callers that want the terminal: `lab exec`). Lab name optional. */
export async function labExecArgv(name: string | undefined, host: string, argv: string[]): Promise<string[]> {
  const h = await findHost(name, host);
  return nsenterArgv(await requireInit(h.lab.name, h), argv, process.env.TERM ? [`TERM=${process.env.TERM}`] : []);
}

/** The ssh argv for a host with the lab key and known_hosts (strict host keys); command optional. */
export async function labSshArgv(name: string | undefined, host: string, command: string[] = []): Promise<string[]> {
  const h = await findHost(name, host);
  return ['ssh', ...sshOptions(h.lab.keyFile, h.lab.knownHostsFile), `root@${h.address}`, ...command];
}
