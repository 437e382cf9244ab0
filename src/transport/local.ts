// The control machine itself: the same Transport contract, through /bin/sh.
import { runProcess } from '../process/run.js';
import type { ShellText } from '../shell/quote.js';
import type { ExecOptions, ExecResult, Transport } from './types.js';

/** Runs commands on the control machine (connection: local). */
export class LocalTransport implements Transport {
  #roundTrips = 0;
  constructor(readonly name = 'localhost') {}

  get roundTrips(): number {
    return this.#roundTrips;
  }

  async exec(command: ShellText, options: ExecOptions = {}): Promise<ExecResult> {
    this.#roundTrips++;
    // group: the command gets its own process group, so a timeout or abort kills everything it started.
    const { stdout, stderr, code, signal, timedOut } = await runProcess(['/bin/sh', '-c', command.text], { ...options, group: true });
    return { stdout, stderr, code, ...(signal ? { signal } : {}), ...(timedOut ? { timedOut } : {}) };
  }

  async close(): Promise<void> {}
}
