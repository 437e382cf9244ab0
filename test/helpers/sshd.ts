// A real OpenSSH sshd on loopback for integration tests: its own temp dir, host key, client key and config.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { recordSkip, strict } from '../setup/skips.js';

/** Where the harness expects sshd (Debian's openssh-server). */
export const SSHD_BINARY = '/usr/sbin/sshd';

/** A running throwaway sshd. */
export interface SshdHandle {
  /** Loopback addresses it listens on (all on the same port). */
  addresses: string[];
  port: number;
  /** The user to log in as (the user running the tests). */
  user: string;
  /** Private key authorized for `user` (ed25519, no passphrase). */
  clientKeyFile: string;
  /** known_hosts with an `[address]:port` entry for every address. */
  knownHostsFile: string;
  /** `SHA256:...` of the host key, as OpenSSH prints it. */
  hostKeyFingerprint: string;
  /** The host public key line (`ssh-ed25519 AAAA...`). */
  hostPublicKey: string;
  /** Temp dir holding everything; removed by stop(). */
  dir: string;
  /** What sshd wrote to stderr so far (LogLevel ERROR), for failing tests to show. */
  log(): string;
  /** Kills sshd and every connection it serves, then removes the dir. */
  stop(): Promise<void>;
  /** Kills sshd and every connection it serves at once (synchronous; the dir stays). */
  kill(): void;
}

/** Why the ssh suites cannot run here, or undefined when they can (the ssh project's global set-up decides, and
 * installs openssh-server where it can: test/setup/ssh.ts). */
export function sshdSkipReason(): string | undefined {
  if (process.env.PROVISION_SSH_SKIP) return process.env.PROVISION_SSH_SKIP;
  if (!existsSync(SSHD_BINARY)) return `${SSHD_BINARY} is missing (install openssh-server)`;
  if (process.getuid?.() !== 0) return 'they need root (the test sshd logs the test user in)';
  return undefined;
}

/**
 * `describe` when sshd can run, else `describe.skip`, the reason recorded for the summary at the end. With
 * PROVISION_TESTS_STRICT=1 (CI) a suite that cannot run fails instead, so it can never pass without having run.
 * Every SSH suite wraps its tests in it.
 */
export function sshdSuite<D extends { skip: unknown }>(describe: D, file: string): D {
  const reason = sshdSkipReason();
  if (!reason) return describe;
  if (strict()) throw new Error(`SSH suites cannot run, and PROVISION_TESTS_STRICT=1: ${reason}`);
  recordSkip(file, `SSH suites: ${reason}`);
  return describe.skip as D;
}

/** Creates an ed25519 key pair without a passphrase; returns the private key path (public key at `.pub`). */
export function generateKey(file: string, comment = 'provision-test'): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdio: 'ignore' });
  return file;
}

/** SHA256 fingerprint of a public key line, the way `ssh-keygen -l` prints it. */
function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1], 'base64');
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = tcpConnect({ host: address, port });
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });
}

/** Every descendant pid of `root` (sshd forks one process tree per connection). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces or parens: ppid is the 2nd field after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* the process ended while we looked */
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

function killTree(child: ChildProcess): void {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  for (const pid of [child.pid, ...descendants(child.pid)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

function sshdConfig(dir: string, addresses: string[], port: number): string {
  return [
    `Port ${port}`,
    ...addresses.map((a) => `ListenAddress ${a}`),
    `HostKey ${join(dir, 'host_ed25519_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'StrictModes no',
    'UsePAM no',
    'MaxSessions 10',
    'LogLevel ERROR',
    'PrintMotd no',
    // bash sources ~/.bashrc for ssh commands unless SHLVL is already set; a developer's heavy root .bashrc
    // (pyenv: ~130 ms) would otherwise dominate every exec the tests time. Real hosts pay their own rc cost.
    'SetEnv SHLVL=1',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

/** Starts sshd once on `port`; resolves when every address accepts TCP, rejects with sshd's stderr if it exits. */
async function launch(dir: string, addresses: string[], port: number): Promise<{ child: ChildProcess; log: () => string }> {
  const config = join(dir, 'sshd_config');
  writeFileSync(config, sshdConfig(dir, addresses, port));
  const child = spawn(SSHD_BINARY, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`sshd exited (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`);
    }
    const up = await Promise.all(addresses.map((a) => canConnect(a, port)));
    if (up.every(Boolean)) return { child, log: () => stderr };
    if (Date.now() - started > 10_000) {
      killTree(child);
      throw new Error(`sshd did not accept connections on port ${port} within 10 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Options of startSshd(). */
export interface StartOptions {
  /** Loopback addresses to listen on (default 127.0.0.1). */
  addresses?: string[];
  /** Port (default: a free one). */
  port?: number;
  /** Reuse the host key and client key of another running harness sshd (a host restarted with its identity). */
  keysFrom?: SshdHandle;
}

/** Starts a throwaway sshd on loopback (default 127.0.0.1, a free high port). */
export async function startSshd(options: StartOptions = {}): Promise<SshdHandle> {
  const addresses = options.addresses ?? ['127.0.0.1'];
  const dir = mkdtempSync(join(tmpdir(), 'provision-sshd-'));
  // sshd refuses to start without its privilege separation directory (absent on a fresh container).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'host_ed25519_key');
  const clientKeyFile = join(dir, 'client_key');
  if (options.keysFrom) {
    for (const f of ['host_ed25519_key', 'client_key']) {
      for (const ext of ['', '.pub']) copyFileSync(join(options.keysFrom.dir, f + ext), join(dir, f + ext));
    }
  } else {
    generateKey(hostKey, 'provision-test-host');
    generateKey(clientKeyFile, 'provision-test-client');
  }
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKeyFile}.pub`));
  const hostPublicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');

  let child: ChildProcess | undefined;
  let log = () => '';
  let port = options.port ?? 0;
  // Another process may grab a port between our probe and sshd's bind: try a few.
  for (let attempt = 0; !child; attempt++) {
    const tryPort = options.port ?? (await freePort(addresses[0]));
    try {
      ({ child, log } = await launch(dir, addresses, tryPort));
      port = tryPort;
    } catch (e) {
      if (options.port !== undefined || attempt >= 4 || !/Address already in use/.test(String(e))) {
        rmSync(dir, { recursive: true, force: true });
        throw e;
      }
    }
  }

  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, addresses.map((a) => `[${a}]:${port} ${hostPublicKey}\n`).join(''), { mode: 0o600 });
  const running = child;
  // A test file that crashes before stop() must not leave sshd (and its sessions) behind.
  const onExit = () => killTree(running);
  process.once('exit', onExit);
  const exited = new Promise<void>((resolve) => {
    if (running.exitCode !== null || running.signalCode !== null) resolve();
    else running.once('exit', () => resolve());
  });
  return {
    addresses,
    port,
    user: userInfo().username,
    clientKeyFile,
    knownHostsFile,
    hostKeyFingerprint: fingerprintOf(hostPublicKey),
    hostPublicKey,
    dir,
    log,
    kill: () => killTree(running),
    async stop() {
      process.removeListener('exit', onExit);
      killTree(running);
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
