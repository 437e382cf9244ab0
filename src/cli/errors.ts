// How the CLI ends on an error: user errors as plain messages (exit 5), anything else as a bug with its stack.
import { isUserError, ProvisionError } from '../errors.js';
import { visible } from '../report/visible.js';

/** Exit code for usage and validation errors, as Ansible's "bad or incomplete options" (2 and 4 are failed and unreachable hosts). */
export const EXIT_USAGE = 5;

/** Prints an error the way a user should see it and exits. */
export function exitWithError(e: unknown): never {
  if (isUserError(e)) {
    // A message may quote what a file or a script held: its control characters are shown, not obeyed.
    process.stderr.write(`error: ${visible(e.message)}\n`);
    // An interrupted lab bring-up ends as an interrupted run does.
    process.exit(e instanceof ProvisionError && e.problem.code === 'lab-interrupted' ? 130 : EXIT_USAGE);
  }
  const verbose = process.argv.some((a) => /^-v{3,}$/.test(a));
  process.stderr.write(`internal error (a bug in provision, please report it): ${visible(e instanceof Error ? ((verbose ? e.stack : e.message) ?? '') : String(e))}\n`);
  if (!verbose) process.stderr.write('run again with -vvv for the stack trace\n');
  process.exit(70);
}
