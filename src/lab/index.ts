// provision lab: throwaway Debian 12 hosts on this machine (network namespaces, overlayfs, systemd-nspawn or
// chroot + sshd, a local apt repository). The library API; src/cli/lab.ts only wires argv to it.
import { ProvisionError } from '../errors.js';
import { alive, initPid } from './boot.js';
import { memoryBytes } from './cgroups.js';
import { assertLabName, assertLinuxRoot } from './checks.js';
import { teardown } from './down.js';
import { execInHost, nsenterArgv, requireInit } from './exec.js';
import { sshOptions } from './ready.js';
import { labInfo, type LabInfo } from './up.js';
import { listLabs, readState, type HostState, type LabState } from './state.js';
import type { RunResult } from './run.js';
import { knownRouters, probeI2pStream, waitForTunnels, type ProbeOptions, type ProbeResult } from './i2p-probe.js';

export { labUp, hostName, type LabInfo, type LabUpOptions } from './up.js';
export { DEFAULT_FLOODFILLS, I2P_NETID, NODES_GROUP, RESEED_ZIP_PATH } from './i2p.js';
export type { ProbeOptions, ProbeResult, ProbeTry } from './i2p-probe.js';
export { sshOptions } from './ready.js';
export type { LabMode } from './state.js';

/** One host as `lab status` reports it. */
export interface HostStatus {
  name: string;
  address: string;
  up: boolean;
  /** Memory charged to the host's cgroup, bytes (undefined when the machine cannot tell). */
  memoryBytes?: number;
  /** `floodfill` for the I2P routers of an --i2p lab (not in its inventory). */
  role?: 'floodfill';
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
  assertLinuxRoot();
  if (name !== undefined) assertLabName(name);
  const names = name ? [name] : await listLabs();
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

/**
 * Proves that lab host `from` reaches lab host `to` over I2P: SAM STREAM sessions on both (their i2pd's SAM on
 * 127.0.0.1:7656, e.g. as the i2p-node playbook sets it up), `to` accepts, `from` connects to its .b32.i2p address,
 * a line goes each way. Retries with new sessions until options.timeoutMs (default 10 min); never throws for an
 * unreachable peer, it reports every try.
 */
export async function labI2pProbe(name: string | undefined, from: string, to: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const a = await findHost(name, from);
  const b = await findHost(name, to);
  await requireInit(a.lab.name, a);
  await requireInit(b.lab.name, b);
  return probeI2pStream(a.netns, b.netns, options);
}

/** Milliseconds until a lab host's i2pd has an established tunnel through another router each way (its web console
 * on 127.0.0.1:7070), or undefined after timeoutMs. */
export async function labI2pTunnelsReady(name: string | undefined, host: string, timeoutMs: number): Promise<number | undefined> {
  const h = await findHost(name, host);
  return waitForTunnels(h.netns, timeoutMs);
}

/** How many routers and floodfills a lab host's i2pd knows (its web console on 127.0.0.1:7070); undefined when it
 * does not answer. */
export async function labI2pRouters(name: string | undefined, host: string): Promise<{ routers: number; floodfills: number } | undefined> {
  const h = await findHost(name, host);
  return knownRouters(h.netns);
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

/** A host of a lab (of any lab when no name is given), or a ProvisionError naming the hosts that exist. */
export async function findHost(name: string | undefined, host: string): Promise<HostState & { lab: LabState }> {
  assertLinuxRoot();
  if (name !== undefined) assertLabName(name);
  const labs = name ? [name] : await listLabs();
  const known: string[] = [];
  for (const n of labs) {
    const state = await readState(n);
    if (!state) continue;
    const h = state.hosts.find((x) => x.name === host || x.address === host);
    if (h) return { ...h, lab: state };
    known.push(...state.hosts.map((x) => x.name));
  }
  if (name && !labs.length) throw noLab(name);
  if (name && !(await readState(name))) throw noLab(name);
  if (!known.length && !name) throw new ProvisionError({ what: 'lab: no lab is up', fix: 'provision lab up', code: 'lab-missing' });
  throw new ProvisionError({ what: `lab${name ? ` ${name}` : ''}: no host "${host}"`, expected: known.join(', '), code: 'lab-no-host' });
}

function noLab(name: string): ProvisionError {
  return new ProvisionError({ what: `lab: no lab named "${name}" is up`, fix: 'provision lab status lists the labs; provision lab up starts one', code: 'lab-missing' });
}
