// Undoing an `up`, whole or partial: every process, mount, namespace, link, cgroup and file the lab created.
import { existsSync } from 'node:fs';
import { readFile, rm, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { alive, initPid, stopHost } from './boot.js';
import { labCgroups, removeCgroups } from './cgroups.js';
import { destroyHostFs } from './hosts.js';
import { removeBridge, removeHostNet } from './net.js';
import type { HostState, LabState } from './state.js';

/** True when a recorded PID still runs the program the lab started (PIDs get reused). */
async function ours(pid: number | undefined, marker: string): Promise<boolean> {
  if (!pid || !(await alive(pid))) return false;
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes(marker);
  } catch {
    return false;
  }
}

/** True while any of the lab's processes runs. */
export async function anythingRunning(state: LabState): Promise<boolean> {
  if (state.repo && (await ours(state.repo.pid, state.dir))) return true;
  for (const h of state.hosts) if ((await ours(h.pid, h.dir)) || (await initPid(h))) return true;
  return false;
}

async function teardownHost(h: HostState): Promise<void> {
  // The starter PID is only killed when it is still ours; the rest is found through the host's cgroups/namespace.
  const host = (await ours(h.pid, h.dir)) ? h : { ...h, pid: undefined };
  await stopHost(host);
  await destroyHostFs(h);
  await removeHostNet(h);
  await removeCgroups(h.cgroups);
}

/** Removes everything recorded in the state; safe to run on a partial or already removed lab. */
export async function teardown(state: LabState): Promise<void> {
  await Promise.all(state.hosts.map(teardownHost));
  if (state.repo && (await ours(state.repo.pid, state.dir))) {
    process.kill(state.repo.pid!, 'SIGKILL');
  }
  await removeCgroups(labCgroups(state.name));
  for (const d of labCgroups(state.name)) await rmdir(dirname(d)).catch(() => undefined); // provision-lab/, if empty
  await removeBridge(state.bridge);
  // systemd-nspawn's runtime dirs, once no container of any lab uses them.
  for (const d of ['/run/systemd/nspawn/propagate', '/run/systemd/nspawn/locks', '/run/systemd/nspawn']) await rmdir(d).catch(() => undefined);
  if (state.inventoryFile && (await writtenByLab(state.inventoryFile, state.name))) await rm(state.inventoryFile, { force: true });
  await rm(state.dir, { recursive: true, force: true });
}

/** True when the file is an inventory this lab wrote (a user's file of the same name is left alone). */
export async function writtenByLab(file: string, lab: string): Promise<boolean> {
  if (!existsSync(file)) return false;
  const head = (await readFile(file, 'utf8')).split('\n')[0];
  return head.includes(`provision lab up --name ${lab}\``);
}
