import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisionErrors, formatProblem } from '../../../src/errors.js';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { registerTestModules } from './test-modules.js';

await registerTestModules();
const F = 'test/fixtures/playbooks/imports';

describe('import_tasks', () => {
  it('puts the tasks of another file in place, nested imports too, with the import’s when, tags and vars on each', async () => {
    const pb = await loadPlaybook(`${F}/site.yml`);
    expect(pb.plays[0].tasks.map((t) => ({ name: t.name, when: t.when, tags: t.tags, vars: t.vars, at: `${t.pos.file}:${t.pos.line}:${t.pos.col}`, path: t.path }))).toEqual([
      { name: 'first', when: [], tags: [], vars: {}, at: `${F}/site.yml:4:7`, path: 'plays[0].tasks[0]' },
      { name: 'from common', when: ['run_common'], tags: ['common', 'inner'], vars: { greeting: 'hello' }, at: `${F}/tasks/common.yml:1:3`, path: 'tasks[0]' },
      { name: 'from nested', when: ['run_common', 'deep'], tags: ['common'], vars: { greeting: 'hello' }, at: `${F}/tasks/nested.yml:1:3`, path: 'tasks[0]' },
      { name: 'last', when: [], tags: [], vars: {}, at: `${F}/site.yml:10:7`, path: 'plays[0].tasks[2]' },
    ]);
    expect(pb.plays[0].tasks[1].notify).toEqual(['restart thing']);
  });

  it('reports every problem, in the importing file and in the imported ones, at file:line:col', async () => {
    const e = await loadPlaybook(`${F}/bad.yml`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProvisionErrors);
    expect((e as ProvisionErrors).problems.map(formatProblem)).toEqual([
      `${F}/bad.yml:3:21: plays[0].tasks[0].import_tasks: tasks file not found: ${F}/tasks/missing.yml`,
      `${F}/bad.yml:4:21: plays[0].tasks[1].import_tasks: import_tasks is read when the playbook loads: its file name cannot be a template\n  expected: - import_tasks: tasks/common.yml\n  got: a string ("{{ which }}.yml")`,
      `${F}/bad.yml:7:7: plays[0].tasks[3].loop: import_tasks takes no key "loop"\n  expected: one of import_tasks, name, when, tags, vars\n  fix: put it on the imported tasks themselves`,
      `${F}/tasks/loop-b.yml:1:17: tasks[0].import_tasks: import_tasks cycle: ${F}/bad.yml → ${F}/tasks/loop-a.yml → ${F}/tasks/loop-b.yml → ${F}/tasks/loop-a.yml\n  fix: remove this import_tasks (a tasks file cannot import itself, directly or through others)`,
    ]);
  });

  it('checks the imported tasks themselves, and their notify against the importing play’s handlers', async () => {
    const e = await loadPlaybook(`${F}/bad-inner.yml`).catch((x: unknown) => x);
    expect((e as ProvisionErrors).problems.map(formatProblem)).toEqual([
      `${F}/tasks/broken.yml:2:12: tasks[0].debug.mgs: unknown key "mgs"\n  expected: one of msg, var\n  fix: did you mean "msg"?`,
      `${F}/tasks/broken.yml:3:3: tasks[1].notify: notify names no handler: "restrat"\n  expected: one of "restart"\n  fix: did you mean "restart"?`,
    ]);
  });

  // Each level imports the next twice: 2^52 copies of the last file, from 54 short files.
  async function doubling(top: string, level: (next: string) => string, last: string): Promise<{ dir: string; problems: string[]; ms: number }> {
    const dir = await mkdtemp(join(tmpdir(), 'provision-fanout-'));
    await writeFile(join(dir, 'site.yml'), top);
    for (let k = 0; k < 52; k++) await writeFile(join(dir, `f${k}.yml`), level(`f${k + 1}.yml`));
    await writeFile(join(dir, 'f52.yml'), last);
    const started = Date.now();
    const e = await loadPlaybook(join(dir, 'site.yml')).catch((x: unknown) => x);
    const ms = Date.now() - started;
    await rm(dir, { recursive: true, force: true });
    return { dir, problems: e instanceof ProvisionErrors ? e.problems.map(formatProblem) : [String(e)], ms };
  }

  it('refuses imports that bring more than 10000 plays and tasks, counting them before expanding any', async () => {
    const { dir, problems, ms } = await doubling(
      '- hosts: all\n  tasks:\n    - debug: { msg: first }\n    - import_tasks: f0.yml\n',
      (next) => `- import_tasks: ${next}\n- import_tasks: ${next}\n`,
      '- debug: { msg: leaf }\n',
    );
    expect(problems).toEqual([
      `${dir}/site.yml:4:21: plays[0].tasks[1].import_tasks: the imports bring this playbook to more than 10000 plays and tasks (this import alone brings 4503599627370496)\n  fix: import a file once where it is needed: each import_tasks brings all of its file again, with what that file imports`,
    ]);
    expect(ms).toBeLessThan(2000);
  });

  it('counts the plays and tasks of imported playbooks the same way', async () => {
    const { dir, problems, ms } = await doubling(
      '- import_playbook: f0.yml\n',
      (next) => `- import_playbook: ${next}\n- import_playbook: ${next}\n`,
      '- hosts: all\n  tasks:\n    - debug: { msg: leaf }\n',
    );
    expect(problems).toEqual([
      `${dir}/site.yml:1:20: plays[0].import_playbook: the imports bring this playbook to more than 10000 plays and tasks (this import alone brings more than 9007199254740991)\n  fix: import a file once where it is needed: each import_playbook brings all of its file again, with what that file imports`,
    ]);
    expect(ms).toBeLessThan(2000);
  });
});
