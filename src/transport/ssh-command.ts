// One command on an exec channel, from open to result: its output collected, its session's pid read from the
// marker on stderr, and on timeout or abort its whole process group killed (TERM, then KILL) before the channel
// is closed.
import type { ClientChannel } from 'ssh2';
import type { ExecOptions, ExecResult } from './types.js';

/** After SIGTERM, how long a timed-out command gets before SIGKILL. */
const KILL_GRACE_MS = 1000;
/** After the kill, how long to wait for sshd to close the channel before closing it ourselves. */
const CLOSE_GRACE_MS = 3000;

/** What a command needs from its connection. */
export interface CommandHooks {
  /** Finds the pid behind the marker; the marker's bytes are removed from stderr. */
  pidMark: RegExp;
  /** Sends a signal to the command's process group on a side channel. */
  killGroup(pid: number, signal: 'TERM' | 'KILL'): void;
  /** The error to fail with when the connection is lost, else undefined. */
  lostError(): Error | undefined;
  /** Called once when the command is done (it no longer needs failing when the connection drops). */
  forget(command: SshCommand): void;
}

/** A command in flight: settles its promise once, with the result or an error. */
export class SshCommand {
  #channel?: ClientChannel;
  #out: Buffer[] = [];
  #err: Buffer[] = [];
  // latin1 view of stderr until the pid marker is found (marker bytes are ASCII)
  #errText = '';
  #pid?: number;
  #mark?: { start: number; end: number };
  #code: number | null = null;
  #exitSignal?: string;
  #exited = false;
  #stopping = false;
  #timedOut = false;
  #timers: NodeJS.Timeout[] = [];
  #done = false;
  readonly #onAbort = () => this.#stop();

  constructor(
    private readonly options: ExecOptions,
    private readonly hooks: CommandHooks,
    private readonly resolve: (result: ExecResult) => void,
    private readonly reject: (error: Error) => void,
  ) {
    options.signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      this.#timers.push(setTimeout(() => ((this.#timedOut = true), this.#stop()), options.timeoutMs));
    }
  }

  /** Fails the command (the connection was lost or closed), closing its channel. */
  fail(error: Error): void {
    if (this.#done) return;
    this.#cleanup();
    this.#channel?.destroy();
    this.reject(error);
  }

  /** Takes the opened channel: listens to it and sends stdin. */
  attach(ch: ClientChannel): void {
    this.#channel = ch;
    // Failed (connection lost, closed) while the channel was being opened: run nothing.
    if (this.#done) return void ch.close();
    ch.on('data', (d: Buffer) => this.#out.push(d));
    ch.stderr.on('data', (d: Buffer) => this.#onStderr(d));
    ch.on('exit', (c: number | null, s?: string) => {
      this.#exited = true;
      this.#code = typeof c === 'number' ? c : null;
      if (s) this.#exitSignal = s;
    });
    ch.on('error', () => {
      /* reported through 'close' or the connection's own events */
    });
    ch.on('close', () => this.#onClose());
    ch.end(this.options.stdin ?? '');
  }

  #onStderr(d: Buffer): void {
    this.#err.push(d);
    if (this.#pid !== undefined) return;
    this.#errText += d.toString('latin1');
    const m = this.hooks.pidMark.exec(this.#errText);
    if (!m) return;
    this.#pid = Number(m[1]);
    this.#mark = { start: m.index, end: m.index + m[0].length };
    this.#errText = '';
    if (this.#stopping) this.#kill();
  }

  #onClose(): void {
    if (this.#exited || this.#stopping) return this.#finish();
    // No exit status: sshd closes channels without one only when the connection is going away. The connection's
    // own close event may come a moment after the channel's.
    setTimeout(() => {
      const lost = this.hooks.lostError();
      if (lost) this.fail(lost);
      else this.#finish();
    }, 100);
  }

  #kill(): void {
    const pid = this.#pid;
    if (pid === undefined) return; // killed as soon as the marker arrives
    this.hooks.killGroup(pid, 'TERM');
    this.#timers.push(setTimeout(() => this.hooks.killGroup(pid, 'KILL'), KILL_GRACE_MS));
  }

  #stop(): void {
    if (this.#stopping || this.#done) return;
    this.#stopping = true;
    this.#kill();
    this.#timers.push(
      setTimeout(() => {
        this.#channel?.close();
        this.#finish();
      }, KILL_GRACE_MS + CLOSE_GRACE_MS),
    );
  }

  #cleanup(): void {
    this.#done = true;
    this.#timers.forEach(clearTimeout);
    this.options.signal?.removeEventListener('abort', this.#onAbort);
    this.hooks.forget(this);
  }

  #finish(): void {
    if (this.#done) return;
    this.#cleanup();
    let errBytes = Buffer.concat(this.#err);
    if (this.#mark) errBytes = Buffer.concat([errBytes.subarray(0, this.#mark.start), errBytes.subarray(this.#mark.end)]);
    this.resolve({
      stdout: Buffer.concat(this.#out).toString('utf8'),
      stderr: errBytes.toString('utf8'),
      code: this.#code,
      ...(this.#exitSignal ? { signal: this.#exitSignal } : {}),
      ...(this.#timedOut ? { timedOut: this.#timedOut } : {}),
    });
  }
}
