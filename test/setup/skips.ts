// Why tests were skipped, recorded where the decision is made (global set-up, a suite's guard) and read by the skip
// summary reporter at the end of `npm test`. One JSON line per decision in the file named by PROVISION_SKIP_LOG
// (jest.config.js sets it); `scope` is a test file or a folder prefix such as `test/lab/`.
import { appendFileSync } from 'node:fs';

/** Records that tests under `scope` (a file or a folder prefix, relative to the repository) are skipped, and why. */
export function recordSkip(scope: string, reason: string): void {
  const log = process.env.PROVISION_SKIP_LOG;
  if (log) appendFileSync(log, `${JSON.stringify({ scope, reason })}\n`);
}

/** True when a skip for a missing environment must fail instead (CI sets PROVISION_TESTS_STRICT=1: a suite that
 * could not run must never pass unnoticed). */
export function strict(): boolean {
  return process.env.PROVISION_TESTS_STRICT === '1';
}
