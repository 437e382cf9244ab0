// The one way provision runs a program on the control machine: an argument list (no shell unless the caller runs
// one), output captured, bounded in time and size, stopped on abort, and optionally killed with all it started.
import { spawn } from 'node:child_process';

/** What a finished process left. Never an exception: a program that cannot start is code 127, as in a shell. */
export interface ProcessResult {
  /** Exit code; null when a signal ended it (a timeout, an abort or too much output among them). */
  code: number | null;
  /** The signal that ended it, if one did. */
  signal?: NodeJS.Signals;
  stdout: string;
  stderr: string;
  /** Killed because timeoutMs passed. */
  timedOut?: boolean;
  /** Killed because stdout and stderr together passed maxOutputBytes (the output kept stops there). */
  outputLimited?: boolean;
}

/** Options for runProcess(). */
export interface ProcessOptions {
  /** Written to the process's stdin, which is then closed (a Buffer is binary-safe); default: nothing. */
  stdin?: string | Buffer;
  /** Kill the process after this many ms (`timedOut` in the result). */
  timeoutMs?: number;
  /** Kill the process when this is aborted (at once when it already is). */
  signal?: AbortSignal;
  /** Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run it in a process group of its own and kill the whole group: a command that forks (a shell, debootstrap). */
  group?: boolean;
  /** Kill the process once stdout and stderr together pass this many bytes (`outputLimited` in the result). */
  maxOutputBytes?: number;
}

/** Runs argv[0] with the rest as its arguments and resolves when it has exited and its output is closed. */
export function runProcess(argv: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: options.env, cwd: options.cwd, detached: options.group });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const why: Pick<ProcessResult, 'timedOut' | 'outputLimited'> = {};
    let bytes = 0;
    const kill = () => {
      try {
        if (options.group && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const collect = (into: Buffer[]) => (d: Buffer) => {
      const limit = options.maxOutputBytes;
      if (limit === undefined) return void into.push(d);
      if (why.outputLimited) return;
      const room = limit - bytes;
      bytes += d.length;
      if (d.length <= room) return void into.push(d);
      into.push(d.subarray(0, room));
      why.outputLimited = true;
      kill();
    };
    const timer = options.timeoutMs ? setTimeout(() => ((why.timedOut = true), kill()), options.timeoutMs) : undefined;
    const onAbort = () => kill();
    if (options.signal?.aborted) kill();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (result: ProcessResult) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.stdin.on('error', () => {
      /* the process may exit without reading its stdin */
    });
    child.on('error', (e) => settle({ code: 127, stdout: '', stderr: String(e) }));
    child.on('close', (code, signal) =>
      settle({
        code,
        ...(signal ? { signal } : {}),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ...why,
      }),
    );
    child.stdin.end(options.stdin ?? '');
  });
}
