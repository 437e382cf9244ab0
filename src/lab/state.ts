// The lab's state file: written as resources are created, so `down`/`status` work from any later process.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionError } from '../errors.js';
import { stateRoot } from './config.js';

/** How a lab's hosts run. */
export type LabMode = 'systemd' | 'chroot';

/** One host as the lab created it. */
export interface HostState {
  name: string;
  /** 1-based number in the lab; its address is .(10+index). */
  index: number;
  address: string;
  netns: string;
  /** The bridge side of the host's veth pair. */
  veth: string;
  mac: string;
  /** Holds upper/, work/, merged/ and the host's log. */
  dir: string;
  /** The process the lab started for the host (systemd-nspawn, or unshare in chroot mode). */
  pid?: number;
  /** cgroup directories the host's processes were put in. */
  cgroups: string[];
  /** systemd-nspawn's image lock file for the host's root (left behind when nspawn is killed). */
  nspawnLock?: string;
  /** Set on the service hosts a lab extension asked for (run by the lab, not in the inventory): their role. */
  role?: string;
  /** The host's IPv6 address on eth0, when an extension gave it one. */
  ipv6?: string;
}

/** Everything `down` needs to undo an `up`. */
export interface LabState {
  name: string;
  mode: LabMode;
  slot: number;
  bridge: string;
  gateway: string;
  dir: string;
  baseDir?: string;
  repo?: { dir: string; port: number; pid?: number };
  inventoryFile?: string;
  knownHostsFile: string;
  keyFile: string;
  hosts: HostState[];
  createdAt: string;
  /** The lab extensions this lab uses, each with the data it keeps (its plan's `state`), in the order they run. */
  extensions?: Record<string, unknown>;
}

/** The state dir of a lab. */
export function labDir(name: string): string {
  return join(stateRoot(), name);
}

/** Reads a lab's state, or undefined when no lab of that name exists. */
export async function readState(name: string): Promise<LabState | undefined> {
  try {
    return JSON.parse(await readFile(join(labDir(name), 'state.json'), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/** Writes a lab's state atomically. */
export async function writeState(state: LabState): Promise<void> {
  const file = join(state.dir, 'state.json');
  await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2));
  await rename(`${file}.tmp`, file);
}

/** Names of every lab that has a state dir. */
export async function listLabs(): Promise<string[]> {
  try {
    const names = await readdir(stateRoot());
    return names.filter((n) => !n.startsWith('.') && existsSync(join(stateRoot(), n, 'state.json'))).sort();
  } catch {
    return [];
  }
}

/** Runs fn while holding the machine-wide lab lock (two `up`s must not pick the same address range). */
export async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(stateRoot(), { recursive: true, mode: 0o700 });
  const lock = join(stateRoot(), '.lock');
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      if (await staleLock(lock)) continue;
      if (Date.now() > deadline) {
        throw new ProvisionError({ what: `lab: another lab command holds ${lock}`, fix: `wait for it, or remove ${lock} if no provision lab command is running`, code: 'lab-locked' });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rmLock(lock);
  }
}

async function staleLock(lock: string): Promise<boolean> {
  try {
    const pid = Number(await readFile(join(lock, 'pid'), 'utf8'));
    if (pid > 0 && !existsSync(`/proc/${pid}`)) {
      await rmLock(lock);
      return true;
    }
  } catch {
    /* being created right now */
  }
  return false;
}

async function rmLock(lock: string): Promise<void> {
  await rm(join(lock, 'pid'), { force: true });
  await rmdir(lock).catch(() => undefined);
}
