// Opens a host's transport: local, or one verified SSH connection (keys, host key check, timeout, retries).
import { stat } from 'node:fs/promises';
import { connect as tcpConnect, type Socket } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NodeSSH } from 'node-ssh';
import { ProvisionError } from '../errors.js';
import { readLocalFile } from '../local-read.js';
import { checkHostKey, preferredHostKeyAlgorithms, readKnownHostsFiles, target, type HostKeyRefusal } from './known-hosts.js';
import { LocalTransport } from './local.js';
import { DEFAULT_MAX_CHANNELS, SshTransport } from './ssh.js';
import { UnreachableError, type Connection, type Transport } from './types.js';
import { throughJump } from './jump.js';
import { cmd } from '../shell/quote.js';
import type { Duplex } from 'node:stream';

/**
 * node-ssh and ssh2, loaded on the first SSH connection: commands that never connect (validate, list-tasks, schema,
 * lab) start without them (~80 ms of module loading).
 */
let sshLibs: Promise<{ NodeSSH: typeof NodeSSH; parseKey: typeof import('ssh2').utils.parseKey }> | undefined;
const loadSshLibs = () =>
  (sshLibs ??= Promise.all([import('node-ssh'), import('ssh2')]).then(([nodeSsh, ssh2]) => ({ NodeSSH: nodeSsh.NodeSSH, parseKey: ssh2.default.utils.parseKey })));

type ParsedKey = ReturnType<typeof import('ssh2').utils.parseKey>;
/** Each key text parsed once per run, and handed to ssh2 parsed (it would parse it again on every connection). */
const parsedKeys = new Map<string, ParsedKey>();
async function parsedKey(text: string): Promise<ParsedKey> {
  let parsed = parsedKeys.get(text);
  if (!parsed) parsedKeys.set(text, (parsed = (await loadSshLibs()).parseKey(text)));
  return parsed;
}

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
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const GLOBAL_KNOWN_HOSTS = '/etc/ssh/ssh_known_hosts';

// $HOME first, like os.homedir(), but read from process.env so that a program (or a test) may point it elsewhere.
const home = () => process.env.HOME || homedir();

/** A failed attempt: the user-facing error, and whether trying again may help. */
class AttemptFailed extends Error {
  constructor(
    readonly error: UnreachableError,
    readonly transient: boolean,
  ) {
    super(error.message);
  }
}

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
  // The first attempt's TCP handshake runs while the keys are parsed, which loads the SSH libraries (~40 ms on a
  // run's first connection); should that fail, the socket is closed.
  const anyKey = sources.keyFile || sources.agent.length || sources.defaults.length;
  let early = c.proxyJump || !anyKey ? undefined : earlySocket(host.name, c, options);
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

/** The login methods to try, in order, and how to name them in an error. */
interface Auth {
  handler: object[];
  tried: string;
}

async function isSocket(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isSocket(), () => false);
}

/** What authMethods needs from the disk: the agent's socket, and the key file's text or the default keys' texts. */
interface KeySources {
  agent: object[];
  keyFile?: { file: string; text: string };
  defaults: { file: string; text: string }[];
}

/** OpenSSH's own bound on a key file (sshkey.c, MAX_KEY_FILE_SIZE). */
const MAX_KEY_FILE_BYTES = 1024 * 1024;

// ssh2 wants the key as a string (a Buffer throws).
async function readKeyFile(file: string): Promise<string> {
  return (await readLocalFile(file, { what: 'private key file', maxBytes: MAX_KEY_FILE_BYTES })).toString('utf8');
}

/** Reads the key sources; an unreadable private_key_file fails here, before any connection is opened. */
async function readKeySources(c: Connection, fail: (m: string, f?: string) => UnreachableError): Promise<KeySources> {
  const agentSock = process.env.SSH_AUTH_SOCK;
  const agent = agentSock && (await isSocket(agentSock)) ? [{ type: 'agent', username: c.user, agent: agentSock }] : [];
  if (c.privateKeyFile) {
    const file = c.privateKeyFile;
    try {
      return { agent, keyFile: { file, text: await readKeyFile(file) }, defaults: [] };
    } catch (e) {
      const problem = e instanceof ProvisionError ? e.problem : undefined;
      const why = !problem ? `cannot read private key file ${file}: ${(e as Error).message}` : problem.what === `private key file not found: ${file}` ? `cannot read private key file ${file}: ENOENT` : problem.what;
      throw fail(why, 'check private_key_file for this host');
    }
  }
  const defaults: { file: string; text: string }[] = [];
  for (const name of DEFAULT_KEYS) {
    const file = join(home(), '.ssh', name);
    const text = await readKeyFile(file).catch(() => undefined);
    if (text !== undefined) defaults.push({ file, text });
  }
  return { agent, defaults };
}

/** The login methods to try, from the key sources (parsing keys loads the SSH libraries). */
async function authMethods(c: Connection, src: KeySources, fail: (m: string, f?: string) => UnreachableError): Promise<Auth> {
  const { agent } = src;
  const username = c.user;
  if (src.keyFile) {
    const { file, text } = src.keyFile;
    const parsed = await parsedKey(text);
    // ssh2 parses a .pub file too, and logging in with it can only fail (with a misleading authorized_keys hint). As
    // with ssh's IdentityFile, an agent that holds the key can still log in.
    if (!(parsed instanceof Error) && !parsed.isPrivateKey()) {
      if (agent.length) return { handler: agent, tried: `ssh-agent (key file ${file} is a public key)` };
      throw fail(`private key file ${file} holds a public key (${parsed.type}), not a private one`, await privateHalfFix(file));
    }
    if (!(parsed instanceof Error)) return { handler: [{ type: 'publickey', username, key: parsed }], tried: `key file ${file}` };
    if (/passphrase/.test(parsed.message)) {
      // provision never prompts; an agent holding the key can still log in.
      if (agent.length) return { handler: agent, tried: `ssh-agent (key file ${file} is encrypted)` };
      throw fail(`private key file ${file} is encrypted and provision does not ask for passphrases`, `load it into ssh-agent (${cmd('ssh-add', file)}) and run with SSH_AUTH_SOCK set`);
    }
    throw fail(`private key file ${file} is not a private key (${parsed.message})`, 'point private_key_file at the private half of the key, not the .pub file');
  }
  // Encrypted or unreadable default keys are skipped, as ssh does without a terminal to ask on.
  const keys: { file: string; key: ParsedKey }[] = [];
  for (const k of src.defaults) {
    const key = await parsedKey(k.text);
    if (!(key instanceof Error)) keys.push({ file: k.file, key });
  }
  const handler = [...agent, ...keys.map((k) => ({ type: 'publickey', username, key: k.key }))];
  if (!handler.length) {
    throw fail(
      `no SSH key to log in as ${username} at ${target(c.address, c.port)}: no private_key_file is set, no ssh-agent is ` +
        `running (SSH_AUTH_SOCK), and ~/.ssh has no usable ${DEFAULT_KEYS.join(', ')}`,
      'set private_key_file for the host, or ssh-add your key to a running ssh-agent',
    );
  }
  const tried = [...(agent.length ? ['ssh-agent'] : []), ...keys.map((k) => `key file ${k.file}`)].join(', ');
  return { handler, tried };
}

/** The fix for a public key given as private_key_file: the file beside it without .pub, when there is one. */
async function privateHalfFix(file: string): Promise<string> {
  const privateHalf = file.replace(/\.pub$/, '');
  const exists = privateHalf !== file && (await stat(privateHalf).then((s) => s.isFile(), () => false));
  if (exists) return `set private_key_file to ${privateHalf}, the private half of that key`;
  return `set private_key_file to the private half of that key${privateHalf !== file ? ` (the file whose name is ${file} without .pub)` : ''}`;
}

/** One attempt's time limit, TCP + handshake + login: the caller's, else the host's connect_timeout, else 10 s. */
function attemptTimeoutMs(c: Connection, options: ConnectOptions): number {
  return options.connectTimeoutMs ?? c.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
}

/** A TCP connection being opened, and when it started (the attempt's timeout counts from then). */
interface Opening {
  sock: Promise<Socket>;
  started: number;
  /** Gives up on it: the connect and its timer stop, a connected socket is closed. */
  cancel(): void;
}

function earlySocket(name: string, c: Connection, options: ConnectOptions): Opening {
  const started = Date.now();
  const stop = new AbortController();
  const forward = () => stop.abort();
  options.signal?.addEventListener('abort', forward, { once: true });
  const sock = openSocket(name, c, attemptTimeoutMs(c, options), stop.signal);
  // Awaited later; until then a refusal must not count as an unhandled rejection.
  sock.then(
    () => options.signal?.removeEventListener('abort', forward),
    () => options.signal?.removeEventListener('abort', forward),
  );
  return {
    sock,
    started,
    cancel: () => {
      stop.abort();
      sock.then((s) => s.destroy(), () => {});
    },
  };
}

/** Opens the TCP connection; failures are AttemptFailed with plain messages. */
function openSocket(name: string, c: Connection, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
  const where = target(c.address, c.port);
  return new Promise((resolve, reject) => {
    const sock = tcpConnect({ host: c.address, port: c.port });
    const failWith = (message: string, transient: boolean, fix?: string) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      reject(new AttemptFailed(new UnreachableError(name, message, fix), transient));
    };
    // A host that does not answer at all is down or firewalled: not worth retrying (unlike a slow handshake).
    const timer = setTimeout(() => failWith(`timed out after ${seconds(timeoutMs)} connecting to ${where}`, false, TIMEOUT_FIX), timeoutMs);
    const onAbort = () => failWith(`connecting to ${where} was aborted`, false);
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.removeAllListeners('error');
      // Until ssh2 takes the socket (its own listener reports errors), a reset only destroys it: attemptOnce sees that.
      sock.on('error', () => {});
      resolve(sock);
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      switch (e.code) {
        case 'ECONNREFUSED':
          return failWith(`connection refused at ${where}`, true, `check that sshd runs on ${c.address} and listens on port ${c.port}`);
        case 'ECONNRESET':
          return failWith(`connection reset by ${where}`, true);
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
          return failWith(`cannot resolve host name ${c.address}`, e.code === 'EAI_AGAIN', 'check the address (ansible_host) of this host');
        case 'EHOSTUNREACH':
        case 'ENETUNREACH':
          return failWith(`no route to ${where}`, false, 'check the address and that the host is up');
        default:
          return failWith(`cannot connect to ${where}: ${e.code ?? e.message}`, false);
      }
    });
  });
}

const TIMEOUT_FIX = 'check the address, the port and firewalls; a slow host needs a longer connect_timeout';

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** One connection attempt: TCP, SSH handshake with host key check, login. */
async function attemptOnce(name: string, c: Connection, auth: Auth, options: ConnectOptions, through?: Socket | Duplex, opened?: Opening): Promise<NodeSSH> {
  const timeoutMs = attemptTimeoutMs(c, options);
  const where = target(c.address, c.port);
  const knownHostsFile = c.knownHostsFile ?? join(home(), '.ssh', 'known_hosts');
  const extraFiles = c.knownHostsFile ? [] : [GLOBAL_KNOWN_HOSTS];
  const failed = (message: string, transient: boolean, fix?: string) => new AttemptFailed(new UnreachableError(name, message, fix), transient);
  // An unreadable known_hosts file (a directory, a FIFO) fails this host only, before any byte is sent to it.
  const entries = await readKnownHostsFiles([knownHostsFile, ...extraFiles]).catch((e: Error) => {
    opened?.cancel();
    throw failed(e instanceof ProvisionError ? e.problem.what : `cannot read ${knownHostsFile}: ${e.message}`, false, 'point known_hosts_file at a known_hosts file, or leave it unset for ~/.ssh/known_hosts');
  });
  const started = opened?.started ?? Date.now();
  const sock = through ?? (await (opened?.sock ?? openSocket(name, c, timeoutMs, options.signal)));
  // Nagle + delayed ACK cost ~40 ms per command on a request/response protocol like exec.
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
