// The control machine itself: the same Transport contract, through /bin/sh.
import { spawn } from 'node:child_process';
import type { ShellText } from '../shell/quote.js';
import type { ExecOptions, ExecResult, Transport } from './types.js';

/** Runs commands on the control machine (connection: local). */
export class LocalTransport implements Transport {
  #roundTrips = 0;
  constructor(readonly name = 'localhost') {}

  get roundTrips(): number {
    return this.#roundTrips;
  }

  exec(command: ShellText, options: ExecOptions = {}): Promise<ExecResult> {
    this.#roundTrips++;
    return new Promise((resolve) => {
      // detached: the command gets its own process group, so a timeout or abort kills everything it started.
      const child = spawn('/bin/sh', ['-c', command.text], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const kill = () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      };
      const timer = options.timeoutMs ? setTimeout(() => ((timedOut = true), kill()), options.timeoutMs) : undefined;
      const onAbort = () => kill();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.stdin.on('error', () => {
        /* the command may exit without reading its stdin */
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        resolve({ stdout: '', stderr: String(e), code: 127 });
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve({
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          code,
          ...(signal ? { signal } : {}),
          ...(timedOut ? { timedOut } : {}),
        });
      });
      child.stdin.end(options.stdin ?? '');
    });
  }

  async close(): Promise<void> {}
}
