// Opens a host's transport: local, or one verified SSH connection (host key check, timeout, retries) over the
// login methods of auth.ts and the TCP connection of socket.ts.
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { NodeSSH } from 'node-ssh';
import { ProvisionError } from '../errors.js';
import { authMethods, type Auth } from './auth.js';
import { throughJump } from './jump.js';
import { readKeySources, userSshDir } from './keys.js';
import { checkHostKey, preferredHostKeyAlgorithms, readKnownHostsFiles, target, type HostKeyRefusal } from './known-hosts.js';
import { LocalTransport } from './local.js';
import { AttemptFailed, earlySocket, openSocket, seconds, TIMEOUT_FIX, type Opening } from './socket.js';
import { DEFAULT_MAX_CHANNELS, SshTransport } from './ssh.js';
import { loadSshLibs } from './ssh-libs.js';
import { UnreachableError, type Connection, type Transport } from './types.js';

/** How connect() behaves; every field is optional. */
export interface ConnectOptions {
  /** Record unknown host keys in known_hosts (trust on first use). A changed key is refused regardless. */
  acceptNewHostKeys?: boolean;
  /** With acceptNewHostKeys: false trusts an unknown key for this connection only, writing nothing (check mode). */
  recordNewHostKeys?: boolean;
  /** Per attempt, TCP + SSH handshake + login (default: the host's connectTimeoutMs, else 10 s). */
  connectTimeoutMs?: number;
  /** Extra attempts after a transient failure (refused, reset, handshake timeout); default 3. */
  retries?: number;
  /** Stops connecting (the promise rejects with UnreachableError). */
  signal?: AbortSignal;
  /** Concurrent commands per connection (default 6: sshd's MaxSessions is 10, see DEFAULT_MAX_CHANNELS). */
  maxChannels?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 3;
const GLOBAL_KNOWN_HOSTS = '/etc/ssh/ssh_known_hosts';

/** Connects to a host: a LocalTransport for `local`, else an SshTransport over one reused SSH connection. */
export async function connect(host: { name: string; connection: Connection }, options: ConnectOptions = {}): Promise<Transport> {
  if (host.connection.type === 'local') return new LocalTransport(host.name);
  return connectSsh(host, options);
}

/** The SSH half of connect(), typed as SshTransport for callers that want its extras (lost, target). */
export async function connectSsh(host: { name: string; connection: Connection }, options: ConnectOptions = {}): Promise<SshTransport> {
  const c = host.connection;
  const where = target(c.address, c.port);
  const fail = (message: string, fix?: string) => new UnreachableError(host.name, message, fix);
  const sources = await readKeySources(c, fail);
  // The first attempt's TCP handshake runs while the keys are parsed, which loads the SSH libraries on a run's first
  // connection: the two overlap instead of adding up. Should parsing fail, the socket is closed.
  const anyKey = sources.keyFile || sources.agent.length || sources.defaults.length;
  let early = c.proxyJump || !anyKey ? undefined : earlySocket(host.name, c, attemptTimeoutMs(c, options), options.signal);
  let auth: Auth;
  try {
    // Node issues the connect on its next tick: let it, before the libraries' synchronous loading.
    if (early) await new Promise((r) => setImmediate(r));
    auth = await authMethods(c, sources, fail);
  } catch (e) {
    early?.cancel();
    throw e;
  }
  const retries = options.retries ?? DEFAULT_RETRIES;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) {
      early?.cancel();
      throw fail(`connecting to ${where} was aborted`);
    }
    let release: (() => void) | undefined;
    try {
      let sock: Socket | Duplex | undefined;
      if (c.proxyJump) ({ stream: sock, release } = await throughJump(host.name, c, (jump) => connectSsh(jump, { ...options, retries: 0 })));
      const opened = early;
      early = undefined;
      const ssh = await attemptOnce(host.name, c, auth, options, sock, opened);
      return new SshTransport(host.name, where, ssh, options.maxChannels ?? DEFAULT_MAX_CHANNELS, release);
    } catch (e) {
      release?.();
      if (!(e instanceof AttemptFailed)) throw e;
      if (!e.transient || attempt >= retries) throw e.error;
      // Exponential backoff with jitter: many hosts refused at once (MaxStartups) should not return in step.
      const delay = Math.min(200 * 2 ** attempt, 2000) * (0.75 + Math.random() * 0.5);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** One attempt's time limit, TCP + handshake + login: the caller's, else the host's connect_timeout, else 10 s. */
function attemptTimeoutMs(c: Connection, options: ConnectOptions): number {
  return options.connectTimeoutMs ?? c.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
}

/** One connection attempt: TCP, SSH handshake with host key check, login. */
async function attemptOnce(name: string, c: Connection, auth: Auth, options: ConnectOptions, through?: Socket | Duplex, opened?: Opening): Promise<NodeSSH> {
  const timeoutMs = attemptTimeoutMs(c, options);
  const where = target(c.address, c.port);
  const knownHostsFile = c.knownHostsFile ?? join(userSshDir(), 'known_hosts');
  const extraFiles = c.knownHostsFile ? [] : [GLOBAL_KNOWN_HOSTS];
  const failed = (message: string, transient: boolean, fix?: string) => new AttemptFailed(new UnreachableError(name, message, fix), transient);
  // An unreadable known_hosts file (a directory, a FIFO) fails this host only, before any byte is sent to it.
  const entries = await readKnownHostsFiles([knownHostsFile, ...extraFiles]).catch((e: Error) => {
    opened?.cancel();
    throw failed(e instanceof ProvisionError ? e.problem.what : `cannot read ${knownHostsFile}: ${e.message}`, false, 'point known_hosts_file at a known_hosts file, or leave it unset for ~/.ssh/known_hosts');
  });
  const started = opened?.started ?? Date.now();
  const sock = through ?? (await (opened?.sock ?? openSocket(name, c, timeoutMs, options.signal)));
  // Nagle + delayed ACK hold back each small request of a request/response protocol like exec.
  if ('setNoDelay' in sock) sock.setNoDelay(true);
  // Closed while the keys were parsed (an early socket): sshd dropped it (MaxStartups) or reset it.
  if (sock.destroyed) throw closedBeforeHandshake(where, failed);
  if (options.signal?.aborted) {
    sock.destroy();
    throw failed(`connecting to ${where} was aborted`, false);
  }

  let refusal: HostKeyRefusal | undefined;
  const ssh = new (await loadSshLibs()).NodeSSH();
  // Destroy, not end: a server that never answers would keep a half-closed socket open until the timeout.
  const onAbort = () => sock.destroy();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await ssh.connect({
      sock,
      username: c.user,
      authHandler: auth.handler as never,
      readyTimeout: Math.max(timeoutMs - (Date.now() - started), 1),
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      algorithms: { serverHostKey: preferredHostKeyAlgorithms(entries, c.address, c.port) as never },
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        checkHostKey({ address: c.address, port: c.port, file: knownHostsFile, extraFiles, acceptNew: !!options.acceptNewHostKeys, record: options.recordNewHostKeys }, key).then(
          (r) => ((refusal = r), verify(!r)),
          (e: Error) => ((refusal = { message: `cannot check the host key of ${where}: ${e.message}`, fix: `check ${knownHostsFile}` }), verify(false)),
        );
      },
    } as never);
    return ssh;
  } catch (e) {
    ssh.dispose();
    sock.destroy();
    if (refusal) throw failed(refusal.message, false, refusal.fix);
    if (options.signal?.aborted) throw failed(`connecting to ${where} was aborted`, false);
    throw classify(e as Error & { level?: string; code?: unknown }, c, auth, timeoutMs, failed);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** ssh2's errors after TCP connected → plain messages; only failures that may pass on a retry are transient. */
function classify(
  e: Error & { level?: string; code?: unknown },
  c: Connection,
  auth: Auth,
  timeoutMs: number,
  failed: (m: string, transient: boolean, fix?: string) => AttemptFailed,
): AttemptFailed {
  const where = target(c.address, c.port);
  if (e.level === 'client-authentication' || /authentication/i.test(e.message)) {
    return failed(
      `authentication failed for user ${c.user} at ${where} (tried: ${auth.tried})`,
      false,
      `check that the public key is in ~${c.user}/.ssh/authorized_keys on the host, or set private_key_file for it`,
    );
  }
  // sshd accepted TCP but sent no banner in time: usually MaxStartups throttling or a host still booting.
  if (e.level === 'client-timeout') return failed(`timed out after ${seconds(timeoutMs)} connecting to ${where}`, true, TIMEOUT_FIX);
  if (e.code === 'ECONNRESET') return failed(`connection reset by ${where}`, true);
  // node-ssh's word for "closed before ready": sshd dropped us (MaxStartups) or is still starting.
  if (/No response from server|Connection lost before handshake/i.test(e.message)) {
    return closedBeforeHandshake(where, failed);
  }
  return failed(`SSH handshake with ${where} failed: ${e.message}`, false);
}

function closedBeforeHandshake(where: string, failed: (m: string, transient: boolean, fix?: string) => AttemptFailed): AttemptFailed {
  return failed(`connection closed by ${where} before the SSH handshake finished`, true, 'sshd may be overloaded (MaxStartups) or still starting');
}
