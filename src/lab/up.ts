// `lab up`: base → repository → network → hosts → inventory, with everything recorded as it is created so a
// failure (or a later `lab down`) can remove exactly what exists.
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ProvisionError } from '../errors.js';
import { ensureBase } from './base.js';
import { startHost } from './boot.js';
import { createHostCgroups } from './cgroups.js';
import { assertLabName, preflight } from './checks.js';
import { DEFAULT_PACKAGES, MAX_HOSTS, cacheDir } from './config.js';
import { anythingRunning, teardown } from './down.js';
import { mergedDir, nspawnLockFile, prepareHost } from './hosts.js';
import { createLabKey, inventoryText, knownHostsText, writeWithDir } from './inventory.js';
import { assertRangeFree, createBridge, createHostNet, hostNet, labNet } from './net.js';
import { waitForHost } from './ready.js';
import { ensureRepo, serveRepo } from './repo.js';
import { checkAborted, run } from './run.js';
import { labDir, listLabs, readState, withLock, writeState, type HostState, type LabMode, type LabState } from './state.js';
import { baseKey } from './base.js';
import type { LabInfo } from './extension.js';
import { extensionInfo, labExtensions, planExtensions, serviceHostsOf, serviceHostsText, type PlannedExtension } from './extensions.js';

export type { LabInfo } from './extension.js';

/** Options of labUp. */
export interface LabUpOptions {
  /** Lab name (default `lab`); hosts are named NAME1..NAMEn (NAME-1.. when NAME ends in a digit). */
  name?: string;
  /** Number of hosts (default 3). */
  hosts?: number;
  /** `systemd` (default: real systemd as PID 1, systemd-nspawn) or `chroot` (sshd as PID 1, faster, lighter). */
  mode?: LabMode;
  /** Debian packages for the local apt repository (default: what the registered lab extensions' playbooks install, and DEFAULT_PACKAGES). */
  packages?: string[];
  /** Where to write the inventory (default inventories/lab.yml under the current directory). */
  inventory?: string;
  /** Progress lines (the library never prints). */
  log?: (line: string) => void;
  /** Aborting stops the bring-up and removes what it had started. */
  signal?: AbortSignal;
  /** Lab extensions to use, by name, with their options (`{ NAME: OPTIONS }`; see labExtensions()). */
  extensions?: Record<string, unknown>;
}

/** The name of host number i of a lab. */
export function hostName(lab: string, i: number): string {
  return /\d$/.test(lab) ? `${lab}-${i}` : `${lab}${i}`;
}

/** Turns a lab's state into what users get. */
export function labInfo(s: LabState): LabInfo {
  return {
    name: s.name, mode: s.mode, inventoryFile: s.inventoryFile ?? '', knownHostsFile: s.knownHostsFile, keyFile: s.keyFile,
    hosts: s.hosts.filter((h) => h.role === undefined).map((h) => ({ name: h.name, address: h.address })), stateDir: s.dir,
    repoUrl: s.repo ? `http://${s.gateway}:${s.repo.port}/` : '',
    ...extensionInfo(s),
  };
}

/** Brings up a lab of N hosts and returns where its inventory, key and known_hosts are. */
export async function labUp(options: LabUpOptions = {}): Promise<LabInfo> {
  const name = options.name ?? 'lab';
  const count = options.hosts ?? 3;
  const mode = options.mode ?? 'systemd';
  const log = options.log ?? (() => undefined);
  assertLabName(name);
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) {
    throw new ProvisionError({ what: `lab: invalid number of hosts ${count}`, expected: `1 to ${MAX_HOSTS}`, code: 'lab-hosts' });
  }
  const planned = planExtensions(options.extensions ?? {}, { name, hosts: count });
  const services = serviceHostsOf(planned);
  if (count + services.reduce((n, g) => n + g.names.length, 0) > MAX_HOSTS) {
    throw new ProvisionError({ what: `lab: ${count} hosts${services.map((g) => ` and ${g.names.length} ${g.noun}s`).join('')} are more than ${MAX_HOSTS}`, code: 'lab-hosts' });
  }
  if (mode !== 'systemd' && mode !== 'chroot') {
    throw new ProvisionError({ what: `lab: invalid mode "${String(mode)}"`, expected: 'systemd or chroot', code: 'lab-mode' });
  }
  const cachedBase = existsSync(join(cacheDir(), `base-${baseKey()}`)) || existsSync(join(cacheDir(), `base-${baseKey()}.tar.zst`)) || existsSync(join(cacheDir(), `base-${baseKey()}.tar.gz`));
  await preflight(mode, !cachedBase, log);
  const old = await readState(name);
  if (old) {
    if (await anythingRunning(old)) {
      throw new ProvisionError({ what: `lab: a lab named "${name}" is already up`, fix: `use it, or run \`provision lab down --name ${name}\` first`, code: 'lab-exists' });
    }
    log(`removing the remains of a lab "${name}" that is no longer running`);
    await teardown(old);
  }
  const signal = options.signal;
  const baseDir = await ensureBase(log, signal);
  checkAborted(signal);
  const packages = options.packages ?? [...new Set([...labExtensions().flatMap((e) => e.repoPackages ?? []), ...DEFAULT_PACKAGES])];
  // An extension's packages come from the lab repository, whatever else was asked for.
  const extraPackages = [...new Set(planned.flatMap((p) => p.plan.packages ?? []))].filter((p) => !packages.includes(p));
  const repoDir = await ensureRepo(baseDir, [...packages, ...extraPackages], log, signal);
  checkAborted(signal);
  const state = await withLock(() => claim(name, mode, options.inventory));
  try {
    await build(state, count, planned, baseDir, repoDir, log, signal);
  } catch (e) {
    log(`lab up failed; removing what it had started`);
    await teardown(state);
    throw e;
  }
  return labInfo(state);
}

// Picks the lowest address slot no other lab holds and writes the first state, under the machine-wide lock.
async function claim(name: string, mode: LabMode, inventory: string | undefined): Promise<LabState> {
  if (await readState(name)) {
    throw new ProvisionError({ what: `lab: a lab named "${name}" is already up`, fix: `provision lab down --name ${name}`, code: 'lab-exists' });
  }
  const taken = new Set<number>();
  for (const other of await listLabs()) {
    const s = await readState(other);
    if (s) taken.add(s.slot);
  }
  let slot = 0;
  while (taken.has(slot)) slot++;
  if (slot > 255) throw new ProvisionError({ what: 'lab: every address range 10.77.0-255.0/24 is taken by a lab', code: 'lab-range-in-use' });
  await assertRangeFree(slot);
  const dir = labDir(name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { bridge, gateway } = labNet(slot);
  const state: LabState = {
    name, mode, slot, bridge, gateway, dir, hosts: [], createdAt: new Date().toISOString(),
    inventoryFile: resolve(inventory ?? join('inventories', 'lab.yml')),
    knownHostsFile: join(dir, 'known_hosts'), keyFile: join(dir, 'id_ed25519'),
  };
  await writeState(state);
  return state;
}

async function build(state: LabState, count: number, planned: PlannedExtension[], baseDir: string, repoDir: string, log: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const started = Date.now();
  const services = serviceHostsOf(planned);
  log(`starting ${count} ${state.mode} host(s)${serviceHostsText(services, 'label')} on ${state.bridge} (${state.gateway}/24)`);
  await createBridge(state.slot);
  state.baseDir = baseDir;
  state.repo = { dir: repoDir, port: 0 };
  await writeState(state);
  const server = await serveRepo(repoDir, state.gateway, state.dir);
  state.repo = { dir: repoDir, ...server };
  const { publicKey } = await createLabKey(state.dir, state.name);
  for (let i = 1; i <= count; i++) state.hosts.push(newHost(state, i, hostName(state.name, i)));
  // Service hosts take the addresses after the hosts under test' (host N+1...).
  for (const g of services) for (const name of g.names) state.hosts.push({ ...newHost(state, state.hosts.length + 1, name), role: g.role });
  if (planned.length) state.extensions = Object.fromEntries(planned.map((p) => [p.extension.name, p.plan.state ?? {}]));
  await writeState(state);
  checkAborted(signal);
  if (state.mode === 'systemd') await raiseInotifyLimit(state.hosts.length);
  const files = { baseDir, gateway: state.gateway, repoPort: server.port, authorizedKey: publicKey, hostsLines: state.hosts.map((h) => `${h.address}\t${h.name}`) };
  const keys = new Map<string, string>();
  await Promise.all(
    state.hosts.map(async (h) => {
      const net = hostNet(state.slot, h.index, h.name);
      keys.set(h.name, await prepareHost(files, h));
      h.nspawnLock = await nspawnLockFile(mergedDir(h.dir));
      await createHostNet(state.bridge, net);
      h.cgroups = await createHostCgroups(state.name, h.name);
      h.pid = startHost(state.mode, h);
    }),
  );
  await writeState(state);
  checkAborted(signal);
  await writeWithDir(state.knownHostsFile, knownHostsText(state.hosts.map((h) => ({ ...h, hostKey: keys.get(h.name)! }))), 0o600);
  const timeoutMs = (state.mode === 'systemd' ? 90_000 : 30_000) + state.hosts.length * 2000;
  // The first host that fails stops the others' waiting, so the teardown that follows races nothing.
  const waits = new AbortController();
  // Every host's wait listens on it: 20 or 100 hosts are not a leak to warn about.
  setMaxListeners(0, waits.signal);
  const stopWaits = () => waits.abort();
  signal?.addEventListener('abort', stopWaits, { once: true });
  const results = await Promise.allSettled(
    state.hosts.map((h) => waitForHost(state.name, state.mode, h, state.keyFile, state.knownHostsFile, timeoutMs, waits.signal).catch((e: unknown) => (stopWaits(), Promise.reject(e)))),
  );
  signal?.removeEventListener('abort', stopWaits);
  checkAborted(signal);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isInterrupted(r.reason));
  if (failed) throw failed.reason;
  await setupExtensions(state, planned, log, signal);
  const parts = planned.flatMap((p) => (p.extension.inventory ? [p.extension.inventory(state)] : []));
  await writeWithDir(state.inventoryFile!, inventoryText(state.name, state.hosts, state.keyFile, state.knownHostsFile, { repoPort: state.repo?.port, parts }));
  await writeState(state);
  log(`${count} host(s)${serviceHostsText(services, 'noun')} up in ${((Date.now() - started) / 1000).toFixed(1)} s; inventory: ${state.inventoryFile}`);
}

function newHost(state: LabState, index: number, name: string): HostState {
  const net = hostNet(state.slot, index, name);
  return { name, index, address: net.address, netns: net.netns, veth: net.veth, mac: net.mac, dir: join(state.dir, 'hosts', name), cgroups: [] };
}

// Each extension's setup step, in order, once every host is up.
async function setupExtensions(state: LabState, planned: PlannedExtension[], log: (line: string) => void, signal?: AbortSignal): Promise<void> {
  for (const { extension, plan } of planned) {
    const own = new Set(plan.serviceHosts?.names ?? []);
    await extension.setup?.({ lab: state, hosts: state.hosts.filter((h) => h.role === undefined), serviceHosts: state.hosts.filter((h) => own.has(h.name)), log, signal });
    checkAborted(signal);
  }
  checkAborted(signal);
}

function isInterrupted(e: unknown): boolean {
  return e instanceof ProvisionError && e.problem.code === 'lab-interrupted';
}

// Every container takes inotify instances; the default 128 runs out at about 20 systemd hosts.
async function raiseInotifyLimit(count: number): Promise<void> {
  const r = await run(['sysctl', '-n', 'fs.inotify.max_user_instances']);
  const want = Math.max(1024, count * 40);
  if (Number(r.stdout.trim()) < want) await writeFile('/proc/sys/fs/inotify/max_user_instances', String(want));
}
