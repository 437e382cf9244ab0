// Runs control-machine commands for the lab: argument lists only (no shell text), output captured.
import { ProvisionError } from '../errors.js';
import { runProcess } from '../process/run.js';

/** What a finished command left. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for run(). */
export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kills the command when aborted. */
  signal?: AbortSignal;
  /** Runs it in a process group of its own and kills the whole group (a command that forks, like debootstrap). */
  group?: boolean;
}

// A PATH that finds sbin tools even when the caller's PATH lacks them (sudo -E, cron, CI).
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Runs argv and resolves with its exit code and output; never rejects (a missing program is code 127). */
export async function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const { input, env, ...rest } = options;
  const r = await runProcess(argv, { ...rest, stdin: input, env: env ?? { ...process.env, PATH: `${process.env.PATH ?? ''}:${SYSTEM_PATH}`, LC_ALL: 'C' } });
  // Killed (timeout, abort): the exit code a shell reports for SIGKILL.
  return { code: r.code ?? (r.signal ? 128 + 9 : 1), stdout: r.stdout, stderr: r.stderr };
}

/** The last lines a failed command printed (stderr, else stdout), on one line, for an error's `got`. */
export function lastLines(r: RunResult): string {
  return (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' | ');
}

/** Runs argv and returns its stdout; a non-zero exit becomes a one-line ProvisionError saying what failed. */
export async function must(argv: string[], what: string, options: RunOptions = {}): Promise<string> {
  const r = await run(argv, options);
  checkAborted(options.signal);
  if (r.code !== 0) {
    const detail = lastLines(r);
    throw new ProvisionError({
      what: `lab: ${what} failed (exit ${r.code}): ${argv.join(' ')}`,
      got: detail || '(no output)',
      code: 'lab-command',
    });
  }
  return r.stdout;
}

/** True when a program is on the PATH (or the system sbin dirs). */
export async function have(program: string): Promise<boolean> {
  const r = await run(['sh', '-c', 'command -v "$1"', 'sh', program]);
  return r.code === 0;
}

/** Throws the ProvisionError of an interrupted `lab up` once the signal is aborted. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ProvisionError({ what: 'lab: interrupted; removed what it had started', code: 'lab-interrupted' });
}
