// The TCP connection under an SSH connection: opened with a time limit and an abort, its failures in plain words
// and marked transient (worth a retry) or not.
import { connect as tcpConnect, type Socket } from 'node:net';
import { target } from './known-hosts.js';
import { UnreachableError, type Connection } from './types.js';

/** A failed attempt: the user-facing error, and whether trying again may help. */
export class AttemptFailed extends Error {
  constructor(
    readonly error: UnreachableError,
    readonly transient: boolean,
  ) {
    super(error.message);
  }
}

/** A TCP connection being opened, and when it started (the attempt's timeout counts from then). */
export interface Opening {
  sock: Promise<Socket>;
  started: number;
  /** Gives up on it: the connect and its timer stop, a connected socket is closed. */
  cancel(): void;
}

/** Starts opening the TCP connection now, to be taken (or cancelled) later; `signal` aborts it. */
export function earlySocket(name: string, c: Connection, timeoutMs: number, signal?: AbortSignal): Opening {
  const started = Date.now();
  const stop = new AbortController();
  const forward = () => stop.abort();
  signal?.addEventListener('abort', forward, { once: true });
  const sock = openSocket(name, c, timeoutMs, stop.signal);
  // Awaited later; until then a refusal must not count as an unhandled rejection.
  sock.then(
    () => signal?.removeEventListener('abort', forward),
    () => signal?.removeEventListener('abort', forward),
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
export function openSocket(name: string, c: Connection, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
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

/** The fix for a host that does not answer in time. */
export const TIMEOUT_FIX = 'check the address, the port and firewalls; a slow host needs a longer connect_timeout';

/** Milliseconds in words: `10 s`, `2.5 s`. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
