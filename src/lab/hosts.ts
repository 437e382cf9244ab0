// A host's filesystem: an overlay on the shared base, plus its own identity (host key, hostname, machine-id) and
// the lab's settings (repository, resolver, authorized key), written into its writable layer.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { must, run } from './run.js';

/** What every host of a lab shares. */
export interface LabFiles {
  baseDir: string;
  gateway: string;
  repoPort: number;
  /** Lines for /etc/hosts naming every host of the lab. */
  hostsLines: string[];
  authorizedKey: string;
}

/** systemd-nspawn's lock file for a mounted root directory (named after its device and inode). */
export async function nspawnLockFile(root: string): Promise<string> {
  const st = await stat(root);
  return `/run/systemd/nspawn/locks/inode-${st.dev}:${st.ino}`;
}

/** The merged (root) directory of a host. */
export function mergedDir(hostDir: string): string {
  return join(hostDir, 'merged');
}

/** Mounts the host's overlay, writes its files and host key; returns its public host key line. */
export async function prepareHost(files: LabFiles, host: { name: string; dir: string }): Promise<string> {
  const root = mergedDir(host.dir);
  for (const d of ['upper', 'work', 'merged']) await mkdir(join(host.dir, d), { recursive: true });
  const opts = `lowerdir=${files.baseDir},upperdir=${join(host.dir, 'upper')},workdir=${join(host.dir, 'work')}`;
  await must(['mount', '-t', 'overlay', 'overlay', '-o', opts, root], `mounting the overlay of ${host.name}`);
  const put = (path: string, text: string, mode = 0o644) => writeFile(join(root, path), text, { mode });
  await put('etc/hostname', `${host.name}\n`);
  await put('etc/hosts', ['127.0.0.1\tlocalhost', `127.0.1.1\t${host.name}`, '::1\tlocalhost ip6-localhost ip6-loopback', ...files.hostsLines, ''].join('\n'));
  await put('etc/machine-id', `${randomBytes(16).toString('hex')}\n`, 0o444);
  // Nothing answers DNS on the gateway: lookups fail at once instead of stalling (a daemon would otherwise wait out each lookup's timeout).
  await put('etc/resolv.conf', `nameserver ${files.gateway}\noptions timeout:1 attempts:1\n`);
  await put('etc/apt/sources.list', `deb [trusted=yes] http://${files.gateway}:${files.repoPort}/ ./\n`);
  await mkdir(join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  await chmod(join(root, 'root/.ssh'), 0o700);
  await put('root/.ssh/authorized_keys', `${files.authorizedKey.trim()}\n`, 0o600);
  const key = join(root, 'etc/ssh/ssh_host_ed25519_key');
  await rm(key, { force: true });
  await rm(`${key}.pub`, { force: true });
  await must(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `root@${host.name}`, '-f', key], `generating the host key of ${host.name}`);
  return (await readFile(`${key}.pub`, 'utf8')).trim();
}

/** Unmounts the host's overlay (retrying while the last processes exit) and removes its dirs. */
export async function destroyHostFs(host: { dir: string }): Promise<void> {
  const root = mergedDir(host.dir);
  for (let i = 0; i < 20 && (await isMounted(root)); i++) {
    const r = await run(['umount', root]);
    if (r.code !== 0) await new Promise((res) => setTimeout(res, 100));
  }
  if (await isMounted(root)) await run(['umount', '-l', root]);
  await rm(host.dir, { recursive: true, force: true });
}

/** True when something is mounted exactly at path. */
export async function isMounted(path: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mountinfo', 'utf8');
  return mounts.split('\n').some((l) => l.split(' ')[4] === path);
}
