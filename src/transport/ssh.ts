// One SSH connection per host, reused for every command: exec channels over the raw ssh2 client (binary stdin),
// at most `maxChannels` at once, and remote commands that really die on timeout or abort.
import { randomBytes } from 'node:crypto';
import type { NodeSSH } from 'node-ssh';
import type { Client, ClientChannel } from 'ssh2';
import type { ShellText } from '../shell/quote.js';
import { SshCommand, type CommandHooks } from './ssh-command.js';
import { UnreachableError, type ExecOptions, type ExecResult, type Transport } from './types.js';

/**
 * Channels per connection by default. OpenSSH allows 10 sessions (MaxSessions) but frees a closed one a moment
 * late: with 8 at once, a stream of short commands draws "no more sessions" refusals (each retried, each an error
 * line in the host's auth log); 6 draws none for most of the throughput. 6 also leaves room for the kill commands
 * of timed-out ones.
 */
export const DEFAULT_MAX_CHANNELS = 6;

// Every command first prints its session's pid on stderr behind this marker (stripped from the result). sshd
// starts each command in a new session (setsid), so that pid is also the process group of everything the command
// starts, and `kill -- -PID` ends all of it. Needed because OpenSSH refuses the SSH "signal" request for root
// logins ("session signalling requires privilege separation"), and closing the channel leaves e.g. `sleep` running.
const NONCE = randomBytes(6).toString('hex');
const PID_MARK = `__provision_pid_${NONCE}=`;
const PID_RE = new RegExp(`${PID_MARK}(\\d+)\\n`);
const PID_PREFIX = `printf '${PID_MARK}%s\\n' "$$" >&2; `;

/** A counting semaphore; waiting can be aborted. */
class Slots {
  #free: number;
  #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  /** Resolves with a release function, or with undefined when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<(() => void) | undefined> {
    if (signal?.aborted) return Promise.resolve(undefined);
    const release = () => {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(release);
    }
    return new Promise((resolve) => {
      const grant = () => (signal?.removeEventListener('abort', onAbort), resolve(release));
      const onAbort = () => {
        this.#waiting = this.#waiting.filter((w) => w !== grant);
        resolve(undefined);
      };
      this.#waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A command in flight, so a lost connection can fail it. */
interface Running {
  fail(error: Error): void;
}

/** Runs commands on one host over one SSH connection (made by connect()). */
export class SshTransport implements Transport {
  #roundTrips = 0;
  #slots: Slots;
  #running = new Set<Running>();
  #client: Client;
  #lost = false;
  #closing?: Promise<void>;

  constructor(
    /** Inventory name of the host. */
    readonly name: string,
    /** `address:port`, for messages. */
    readonly target: string,
    private readonly ssh: NodeSSH,
    maxChannels = DEFAULT_MAX_CHANNELS,
    /** Called once after close() (a jump host's connection is released here). */
    private readonly onClose?: () => void,
  ) {
    this.#client = ssh.connection!;
    this.#slots = new Slots(maxChannels);
    // Each waiting channel request may listen on the client; more than 10 is normal here, not a leak.
    this.#client.setMaxListeners(maxChannels * 2 + 20);
    this.#client.setNoDelay(true);
    const lost = () => this.#onLost();
    this.#client.on('error', lost).on('end', lost).on('close', lost);
  }

  get roundTrips(): number {
    return this.#roundTrips;
  }

  /** True once the connection dropped (every later exec rejects with UnreachableError). */
  get lost(): boolean {
    return this.#lost;
  }

  exec(command: ShellText, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.#closing) return Promise.reject(new Error(`the connection to ${this.target} was closed by provision`));
    if (this.#lost) return Promise.reject(this.#lostError('before the command could start'));
    this.#roundTrips++;
    return this.#execInSlot(command, options);
  }

  /** A TCP stream to `host:port` opened from this host (how a jump host reaches the hosts behind it). */
  forwardOut(host: string, port: number): Promise<import('node:stream').Duplex> {
    return new Promise((resolve, reject) => {
      this.#client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => (err ? reject(err) : resolve(stream)));
    });
  }

  async close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const r of this.#running) r.fail(new UnreachableError(this.name, `connection to ${this.target} closed while running a command`));
      if (this.#lost) return resolve();
      this.#client.once('close', () => resolve());
      // A host that stopped answering never completes the goodbye: drop the socket, or its keepalives hold the process.
      setTimeout(() => {
        (this.#client as unknown as { _sock?: { destroy(): void } })._sock?.destroy();
        resolve();
      }, 1000).unref();
      this.ssh.dispose();
    }).then(() => this.onClose?.());
    return this.#closing;
  }

  #onLost(): void {
    if (this.#lost || this.#closing) return;
    this.#lost = true;
    for (const r of this.#running) r.fail(this.#lostError('while running a command'));
  }

  #lostError(when: string): UnreachableError {
    return new UnreachableError(
      this.name,
      `connection to ${this.target} lost ${when}`,
      'check that the host is up and sshd is running (a task that reboots the host also ends the connection)',
    );
  }

  async #execInSlot(command: ShellText, options: ExecOptions): Promise<ExecResult> {
    const release = await this.#slots.acquire(options.signal);
    // Aborted while waiting for a channel: the command never started.
    if (!release) return { stdout: '', stderr: '', code: null, signal: 'SIGTERM' };
    try {
      return await this.#collect(PID_PREFIX + command.text, options);
    } finally {
      release();
    }
  }

  /**
   * Opens an exec channel and hands it to `onOpen` synchronously: a short command's output, exit status and close
   * can arrive in the same packet batch as the open confirmation, and an 'exit' event has no buffer to wait in.
   * sshd may refuse a channel briefly while it frees a just-closed session, so opening is retried a little.
   */
  async #openChannel(text: string, onOpen: (channel: ClientChannel) => void): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await new Promise<void>((resolve, reject) => {
          this.#client.exec(text, (err, channel) => (err ? reject(err) : (onOpen(channel), resolve())));
        });
      } catch (e) {
        if (this.#lost || this.#closing) throw this.#lostError('before the command could start');
        const message = (e as Error).message;
        if (/Channel open failure/i.test(message) && attempt < 12) {
          await sleep(Math.min(5 * 2 ** attempt, 250));
          continue;
        }
        throw new UnreachableError(
          this.name,
          `${this.target} refused to run a command: ${message}`,
          'sshd limits sessions per connection (MaxSessions, default 10): raise it on the host or lower maxChannels',
        );
      }
    }
  }

  /** Sends `kill -SIG -- -PID` on a side channel (not counted, not bounded: kills must not wait behind work). */
  #killGroup(pid: number, signal: 'TERM' | 'KILL'): void {
    this.#openChannel(`kill -${signal} -- -${pid} 2>/dev/null || kill -${signal} ${pid} 2>/dev/null; true`, (ch) => {
      ch.on('error', () => {});
      ch.resume();
      ch.stderr.resume();
      ch.end();
    }).catch(() => {
        /* the connection went away: sshd kills its sessions then */
      });
  }

  #collect(text: string, options: ExecOptions): Promise<ExecResult> {
    return new Promise<ExecResult>((resolve, reject) => {
      const hooks: CommandHooks = {
        pidMark: PID_RE,
        killGroup: (pid, signal) => this.#killGroup(pid, signal),
        lostError: () => (this.#lost ? this.#lostError('while running a command') : undefined),
        forget: (command) => this.#running.delete(command),
      };
      const command = new SshCommand(options, hooks, resolve, reject);
      this.#running.add(command);
      this.#openChannel(text, (ch) => command.attach(ch)).catch((e: Error) => command.fail(e));
    });
  }
}
