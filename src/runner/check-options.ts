// Run options a TypeScript caller may give that no schema has seen, checked before anything connects:
// `--start-at-task NAME` (a typo must not run nothing and still end "ok") and the timeouts (a timer holds a week).
import { z } from 'zod';
import { ProvisionError, ProvisionErrors } from '../errors.js';
import { waitMilliseconds } from '../source/numbers.js';
import type { Playbook } from '../playbook/types.js';
import { closest } from '../source/suggest.js';
import { zodProblems } from '../source/yaml-source.js';
import { quote } from '../shell/quote.js';

const waits = z.object({ connectTimeoutMs: waitMilliseconds().optional(), commandTimeoutMs: waitMilliseconds().optional() });

/** Throws when a timeout is not a positive number of milliseconds that a timer can hold. */
export function checkTimeouts(options: { connectTimeoutMs?: number; commandTimeoutMs?: number }): void {
  const data = { connectTimeoutMs: options.connectTimeoutMs, commandTimeoutMs: options.commandTimeoutMs };
  const parsed = waits.safeParse(data);
  if (!parsed.success) throw new ProvisionErrors(zodProblems(parsed.error.issues, { yamlPrefix: [], displayPrefix: '', data }));
}

// Enough names to recognise the playbook by; list-tasks shows the rest.
const SHOWN = 10;

/** Throws a located error, with the nearest task name, when no task of the playbook is named `name`. */
export function checkStartAtTask(playbook: Playbook, name: string): void {
  const names = [...new Set(playbook.plays.flatMap((p) => p.tasks.map((t) => t.name)))];
  if (names.includes(name)) return;
  const near = closest(name, names);
  throw new ProvisionError({
    what: `no task in ${playbook.file} is named ${JSON.stringify(name)}`,
    where: { path: '--start-at-task' },
    expected: names.length === 0 ? 'a playbook with tasks' : `the name of a task (${names.slice(0, SHOWN).join(', ')}${names.length > SHOWN ? ', ...' : ''})`,
    fix: near !== undefined ? `did you mean ${JSON.stringify(near)}?` : `provision list-tasks ${quote(playbook.file)} shows every task's name`,
    code: 'usage',
  });
}
