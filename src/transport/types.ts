// How the runner reaches a host: run a shell script, feed it bytes, close. SSH and local implement the same thing.
import { brand } from '../brand.js';
import type { ShellText } from '../shell/quote.js';

/** What one remote command returned. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when the command was killed by a signal or timed out. */
  code: number | null;
  signal?: string;
  timedOut?: boolean;
}

/** Options for one command. */
export interface ExecOptions {
  /** Bytes written to the command's stdin, then closed (binary-safe). */
  stdin?: Buffer | string;
  /** Kill the command and resolve with `timedOut: true` after this many ms. */
  timeoutMs?: number;
  /** Abort (e.g. Ctrl-C): the command is signalled and the promise resolves as killed. */
  signal?: AbortSignal;
}

/** A connection to one host, reused for every task of a run. */
export interface Transport {
  /** Inventory name of the host. */
  readonly name: string;
  /** Runs shell text (already quoted by src/shell) on the host. Never rejects for a non-zero exit. */
  exec(command: ShellText, options?: ExecOptions): Promise<ExecResult>;
  /** Remote round trips so far (one per exec). */
  readonly roundTrips: number;
  close(): Promise<void>;
}

/** Raised when a host cannot be reached (connect refused, timeout, host key refused, connection lost). */
export class UnreachableError extends Error {
  constructor(
    readonly host: string,
    message: string,
    /** A fix the user can apply, if there is an obvious one. */
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'UnreachableError';
  }
}
brand(UnreachableError, 'UnreachableError');

/** How to reach a host. */
export interface Connection {
  /** `ssh` (default) or `local` (the control machine itself). */
  type: 'ssh' | 'local';
  /** Address to connect to (default: the host's name). */
  address: string;
  port: number;
  /** Remote user (default: the control machine's user). */
  user: string;
  /** Private key file, absolute path (default: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa). */
  privateKeyFile?: string;
  /** known_hosts file to verify host keys against, absolute path (default ~/.ssh/known_hosts). */
  knownHostsFile?: string;
  /** Escalate with non-interactive sudo for every task (play/task `become` can also turn it on). */
  become?: boolean;
  becomeUser?: string;
  /** Connect timeout in ms (default 10000). */
  connectTimeoutMs?: number;
  /** A jump host (ProxyJump) this host is reached through. */
  proxyJump?: Connection;
}
