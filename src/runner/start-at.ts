// `--start-at-task NAME`: checked against every play before anything connects, so a typo cannot run nothing and
// still end "ok".
import { ProvisionError } from '../errors.js';
import type { Playbook } from '../playbook/types.js';
import { closest } from '../playbook/suggest.js';
import { quote } from '../shell/quote.js';

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
