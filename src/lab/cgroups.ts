// One cgroup per host (in every hierarchy that matters), so each systemd-nspawn gets its own and the lab can find,
// measure and kill every process a host ever started.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

const CG = '/sys/fs/cgroup';

/** The cgroup hierarchies a host joins: the unified one (or the only one, on pure cgroup v2), systemd's, memory. */
export function cgroupRoots(): string[] {
  if (existsSync(join(CG, 'cgroup.procs'))) return [CG]; // pure cgroup v2
  return ['unified', 'systemd', 'memory'].map((h) => join(CG, h)).filter((d) => existsSync(join(d, 'cgroup.procs')));
}

/** The cgroup dirs of a lab (parent of its hosts' dirs) in every hierarchy. */
export function labCgroups(lab: string): string[] {
  return cgroupRoots().map((r) => join(r, 'provision-lab', lab));
}

/** Creates a host's cgroup dirs and returns them. */
export async function createHostCgroups(lab: string, host: string): Promise<string[]> {
  const dirs = labCgroups(lab).map((d) => join(d, host));
  for (const d of dirs) await mkdir(d, { recursive: true });
  return dirs;
}

/** Every PID in these cgroups and their descendants. */
export async function cgroupPids(dirs: string[]): Promise<number[]> {
  const pids = new Set<number>();
  const walk = async (d: string): Promise<void> => {
    try {
      for (const l of (await readFile(join(d, 'cgroup.procs'), 'utf8')).split('\n')) if (l) pids.add(Number(l));
      for (const e of await readdir(d, { withFileTypes: true })) if (e.isDirectory()) await walk(join(d, e.name));
    } catch {
      /* gone already */
    }
  };
  for (const d of dirs) await walk(d);
  return [...pids];
}

/** Removes cgroup dirs bottom-up (a cgroup can only go once it has no processes and no children). */
export async function removeCgroups(dirs: string[]): Promise<void> {
  const remove = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) await remove(join(d, e.name));
    await rmdir(d).catch(() => undefined);
  };
  for (const d of dirs) await remove(d);
}

/** Memory charged to a host's processes (and page cache they caused), in bytes, or undefined when not measurable. */
export async function memoryBytes(dirs: string[]): Promise<number | undefined> {
  for (const d of dirs) {
    for (const f of ['memory.current', 'memory.usage_in_bytes']) {
      try {
        return Number((await readFile(join(d, f), 'utf8')).trim());
      } catch {
        /* not this hierarchy */
      }
    }
  }
  return undefined;
}
