// Runs the built CLI (dist/cli/main.js) as a user would, for tests that check its output and exit code.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The built CLI; `npm ci` builds it through the prepare script. */
export const CLI = resolve('dist/cli/main.js');

/** Runs `provision ARGS...`; resolves with the exit code and stdout whether or not it succeeded. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    return { code: 0, stdout: (await run('node', [CLI, ...args])).stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, stdout: err.stdout };
  }
}
