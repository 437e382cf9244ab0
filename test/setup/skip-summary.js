// A jest reporter: after the run, how many tests were skipped and why, grouped by reason. The reasons come from the
// JSON lines test/setup/skips.ts records (PROVISION_SKIP_LOG); a skip with no recorded reason is one the test file
// marks itself (it.skip, an opt-in test).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';

export default class SkipSummary {
  onRunComplete(_contexts, results) {
    const log = process.env.PROVISION_SKIP_LOG;
    const decisions = log && existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
    if (log) rmSync(log, { force: true });
    const byReason = new Map();
    for (const file of results.testResults) {
      const skipped = file.numPendingTests + file.numTodoTests;
      if (!skipped) continue;
      const path = relative(process.cwd(), file.testFilePath);
      const match = decisions.filter((d) => path === d.scope || path.startsWith(d.scope)).sort((a, b) => b.scope.length - a.scope.length)[0];
      const reason = match ? match.reason : 'marked to skip in the test file itself (opt-in or needs something absent here)';
      const entry = byReason.get(reason) ?? { tests: 0, files: [] };
      entry.tests += skipped;
      entry.files.push(path);
      byReason.set(reason, entry);
    }
    const total = [...byReason.values()].reduce((n, e) => n + e.tests, 0);
    if (!total) return void process.stderr.write('\nskipped: none\n');
    const lines = [`\nskipped: ${total} test${total === 1 ? '' : 's'}`];
    for (const [reason, e] of byReason) {
      const where = e.files.length === 1 ? e.files[0] : `${e.files.length} files`;
      lines.push(`  ${e.tests} in ${where}: ${reason}`);
    }
    process.stderr.write(`${lines.join('\n')}\n`);
  }
}
