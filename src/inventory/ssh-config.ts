// ~/.ssh/config, as OpenSSH reads it (parsed by the ssh-config package): what it says about a host alias fills in
// whatever the inventory leaves unset — HostName, Port, User, IdentityFile, ProxyJump.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SSHConfig from 'ssh-config';
import { ProvisionError } from '../errors.js';
import { readLocalFileSync } from '../local-read.js';

/** What an ssh_config says about one alias (only the keys provision uses). */
export interface SshConfigHost {
  hostName?: string;
  port?: number;
  user?: string;
  identityFile?: string;
  proxyJump?: string;
}

const cache = new Map<string, ReturnType<typeof SSHConfig.parse> | undefined>();

/** The default file, ~/.ssh/config (from $HOME, so a program may point it elsewhere). */
export function defaultSshConfigFile(): string {
  return path.join(process.env.HOME || os.homedir(), '.ssh', 'config');
}

function parsed(file: string, explicit: boolean): ReturnType<typeof SSHConfig.parse> | undefined {
  if (!cache.has(file)) {
    if (!existsSync(file)) {
      if (explicit) throw new ProvisionError({ what: `ssh config file not found: ${file}`, fix: 'fix ssh_config_file, or set it to none', code: 'ssh-config' });
      cache.set(file, undefined);
    } else cache.set(file, SSHConfig.parse(readLocalFileSync(file, { what: 'ssh config file', maxBytes: 4 * 1024 * 1024 }).toString('utf8')));
  }
  return cache.get(file);
}

/** What `file` says about `alias` (OpenSSH's first-match-wins over Host blocks); `%h` in HostName is the alias. */
export function sshConfigFor(alias: string, file = defaultSshConfigFile(), explicit = false): SshConfigHost {
  const config = parsed(file, explicit);
  if (!config) return {};
  const c = config.compute(alias) as Record<string, string | string[] | undefined>;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const expandHome = (p: string) => (p === '~' || p.startsWith('~/') ? path.join(process.env.HOME || os.homedir(), p.slice(1)) : p);
  const hostName = one(c.HostName)?.replace(/%h/g, alias);
  const port = one(c.Port);
  const identity = one(c.IdentityFile);
  const jump = one(c.ProxyJump);
  return {
    ...(hostName ? { hostName } : {}),
    ...(port ? { port: Number(port) } : {}),
    ...(one(c.User) ? { user: one(c.User) } : {}),
    ...(identity ? { identityFile: path.resolve(path.dirname(file), expandHome(identity)) } : {}),
    ...(jump && jump.toLowerCase() !== 'none' ? { proxyJump: jump } : {}),
  };
}

/** `[user@]host[:port]` (one hop; OpenSSH's comma-separated chains are refused with a clear message). */
export function parseJump(spec: string): { user?: string; host: string; port?: number } {
  if (spec.includes(',')) {
    throw new ProvisionError({ what: `only one jump host is supported, got a chain: ${spec}`, fix: 'jump through one bastion, or configure the chain in that bastion', code: 'ssh-config' });
  }
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec.replace(/^ssh:\/\//, ''));
  if (!m) throw new ProvisionError({ what: `cannot read jump host "${spec}"`, expected: '[user@]host[:port]', code: 'ssh-config' });
  return { ...(m[1] ? { user: m[1] } : {}), host: m[2].replace(/^\[|\]$/g, ''), ...(m[3] ? { port: Number(m[3]) } : {}) };
}
