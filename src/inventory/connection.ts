// A host's merged variables → how to reach it. Both our names (address, port, user, ...) and Ansible's
// (ansible_host, ansible_port, ansible_user, ...) are read.
import os from 'node:os';
import path from 'node:path';
import type { ProblemInfo, Where } from '../errors.js';
import { renderValue } from '../template/value.js';
import { zodProblems } from '../source/yaml-source.js';
import { CONNECTION_ALIASES, connectionVarsSchema } from './schema.js';
import type { Connection } from './types.js';
import { parseJump, sshConfigFor, type SshConfigHost } from './ssh-config.js';

/** Where each variable of a host was defined (for errors). */
export type Origins = Map<string, Where>;

// The control user, asked once: os.userInfo() reads the passwd database.
let controlUser: string | undefined;
function defaultUser(): string {
  controlUser ??= process.env.USER || os.userInfo().username;
  return controlUser;
}

/** `~/x` → the home folder; relative paths → against `dir` (the inventory's folder). */
export function resolvePath(p: string, dir: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
  return path.resolve(dir, p);
}

/**
 * Reads the connection of host `name` from its merged `vars`. Problems (a bad port, an unknown connection type)
 * are pushed with the position where the variable was defined.
 */
export function connectionFor(name: string, vars: Record<string, unknown>, origins: Origins, dir: string, problems: ProblemInfo[]): Connection | undefined {
  const picked: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const [ours, theirs] of Object.entries(CONNECTION_ALIASES)) {
    const key = [ours, ...theirs].find((k) => vars[k] !== undefined && vars[k] !== null);
    if (key === undefined) continue;
    let value = vars[key];
    if (typeof value === 'string' && value.includes('{{')) {
      try {
        value = renderValue(value, vars, { host: name, path: key, ...origins.get(key) });
      } catch (e) {
        problems.push({ ...(e as { problem: ProblemInfo }).problem });
        continue;
      }
    }
    picked[ours] = value;
    from[ours] = key;
  }
  const parsed = connectionVarsSchema.safeParse(picked);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const ours = String(issue.path[0]);
      const key = from[ours] ?? ours;
      const origin = origins.get(key);
      for (const p of zodProblems([{ ...issue, path: [] }], { yamlPrefix: [], displayPrefix: key, data: picked[ours] })) {
        problems.push({ ...p, where: { ...origin, host: name, path: key } });
      }
    }
    return undefined;
  }
  const c = parsed.data;
  const type = c.connection ?? (name === 'localhost' ? 'local' : 'ssh');
  // ~/.ssh/config (or ssh_config_file) fills in what the inventory leaves unset, as OpenSSH's config does for `ssh`.
  let sc: SshConfigHost = {};
  let jump: Connection | undefined;
  if (type === 'ssh' && c.ssh_config_file !== 'none') {
    try {
      const file = c.ssh_config_file ? resolvePath(c.ssh_config_file, dir) : undefined;
      sc = sshConfigFor(c.address ?? name, file, file !== undefined);
      const jumpSpec = c.proxy_jump ?? sc.proxyJump;
      if (jumpSpec && jumpSpec !== 'none') {
        const j = parseJump(jumpSpec);
        const jc = sshConfigFor(j.host, file, false);
        jump = {
          type: 'ssh',
          address: jc.hostName ?? j.host,
          port: j.port ?? jc.port ?? 22,
          user: j.user ?? jc.user ?? c.user ?? sc.user ?? defaultUser(),
          ...(jc.identityFile || c.private_key_file || sc.identityFile
            ? { privateKeyFile: jc.identityFile ?? (c.private_key_file ? resolvePath(c.private_key_file, dir) : sc.identityFile) }
            : {}),
          ...(c.known_hosts_file !== undefined ? { knownHostsFile: resolvePath(c.known_hosts_file, dir) } : {}),
          ...(c.connect_timeout !== undefined ? { connectTimeoutMs: Math.round(c.connect_timeout * 1000) } : {}),
        };
      }
    } catch (e) {
      problems.push({ ...(e as { problem: ProblemInfo }).problem, where: { host: name, path: 'ssh_config' } });
      return undefined;
    }
  }
  return {
    type,
    address: sc.hostName ?? c.address ?? name,
    port: c.port ?? sc.port ?? 22,
    user: c.user ?? sc.user ?? defaultUser(),
    ...(jump ? { proxyJump: jump } : {}),
    ...(c.private_key_file !== undefined ? { privateKeyFile: resolvePath(c.private_key_file, dir) } : sc.identityFile ? { privateKeyFile: sc.identityFile } : {}),
    ...(c.known_hosts_file !== undefined ? { knownHostsFile: resolvePath(c.known_hosts_file, dir) } : {}),
    ...(c.become !== undefined ? { become: c.become } : {}),
    ...(c.become_user !== undefined ? { becomeUser: c.become_user } : {}),
    ...(c.connect_timeout !== undefined ? { connectTimeoutMs: Math.round(c.connect_timeout * 1000) } : {}),
  };
}
