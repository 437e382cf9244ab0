// The playbook builder: plays typed from the schemas, loaded by the same loader as YAML, with the same errors.
import { describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { ProvisionErrors } from '../../../src/errors.js';
import { defineModule } from '../../../src/modules/define.js';
import '../../../src/modules/index.js';
import { getModule } from '../../../src/modules/registry.js';
import { playbook } from '../../../src/playbook/builder.js';
import { loadPlaybookFromString } from '../../../src/playbook/load.js';
import { z } from 'zod';

const note_line = defineModule({
  name: 'note_line',
  summary: 'A note (test module).',
  args: z.strictObject({ text: z.string(), times: z.number().int().default(1) }),
  plan: (a) => ({ steps: [], note: a.text.repeat(a.times) }),
});

async function problemsOf(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ProvisionErrors) return e.problems.map((x) => `${x.where?.file ?? ''}${x.where?.line !== undefined ? `:${x.where.line}` : ''}: ${x.where?.path}: ${x.what}`);
    throw e;
  }
  return [];
}

describe('playbook()', () => {
  it('builds what the same plays written in YAML load to (but for the file they are named by)', async () => {
    const built = await playbook({ modules: { note_line } })
      .play({ hosts: 'all', gather_facts: 'no', tasks: [{ name: 'Say', note_line: { text: 'hi' }, when: 'x', tags: 'a,b' }, { command: 'ls -l', args: { chdir: '/tmp' } }] })
      .build({ file: 'site.yml' });
    const yaml = '- hosts: all\n  gather_facts: no\n  tasks:\n    - { name: Say, note_line: { text: hi }, when: x, tags: "a,b" }\n    - { command: ls -l, args: { chdir: /tmp } }\n';
    const loaded = await loadPlaybookFromString(yaml, 'site.yml');
    const shape = (pb: typeof built) => pb.plays.map((p) => ({ ...p, pos: undefined, hostsPos: undefined, tasks: p.tasks.map((t) => ({ ...t, pos: undefined })) }));
    expect(shape(built)).toEqual(shape(loaded));
    expect(built.plays[0].tasks[0]).toMatchObject({ module: 'note_line', args: { text: 'hi' }, when: ['x'], tags: ['a', 'b'] });
    expect(getModule('note_line')).toBe(note_line);
  });

  it('reports a mistake as the YAML loader does, by its path, with no line of a text nobody wrote', async () => {
    const site = playbook({ modules: { note_line } }).play({
      hosts: 'all',
      tasks: [
        // @ts-expect-error: times must be a number (the types catch it too)
        { note_line: { text: 'hi', times: 'twice' } },
      ],
    });
    expect(await problemsOf(site.build({ file: 'site.ts' }))).toEqual(['site.ts: plays[0].tasks[0].note_line.times: wrong type']);
    const problems = (p: Promise<unknown>) => p.then(() => [], (e: ProvisionErrors) => e.problems.map(({ where, ...rest }) => ({ ...rest, path: where?.path })));
    expect(await problems(site.build())).toEqual(await problems(loadPlaybookFromString('- hosts: all\n  tasks:\n    - note_line: { text: hi, times: twice }\n')));
  });

  it('types module arguments, keywords and the one-module rule', () => {
    const site = playbook({ modules: { note_line } });
    // @ts-expect-error: an unknown argument
    site.play({ hosts: 'all', tasks: [{ note_line: { txt: 'hi' } }] });
    // @ts-expect-error: a missing required argument
    site.play({ hosts: 'all', tasks: [{ note_line: { times: 2 } }] });
    // @ts-expect-error: two modules in one task
    site.play({ hosts: 'all', tasks: [{ note_line: { text: 'a' }, debug: { msg: 'b' } }] });
    // @ts-expect-error: an unknown keyword
    site.play({ hosts: 'all', tasks: [{ note_line: { text: 'a' }, whn: 'x' }] });
    // @ts-expect-error: an unknown argument of a built-in module
    site.play({ hosts: 'all', tasks: [{ file: { pth: '/etc/x' } }] });
    // A template stands for any value.
    site.play({ hosts: 'all', tasks: [{ note_line: { text: 'a', times: '{{ n }}' } }] });
  });

  it('shows the YAML it validates', () => {
    expect(playbook().play({ hosts: 'all', tasks: [{ debug: { msg: 'hi' } }] }).importPlaybook('verify.yml').yaml()).toBe('- hosts: all\n  tasks:\n    - debug:\n        msg: hi\n- import_playbook: verify.yml\n');
  });
});

describe('loadPlaybookFromString', () => {
  it('finds modules/ and names errors from dir and file', async () => {
    const dir = 'test/fixtures/project-modules';
    const pb = await loadPlaybookFromString('- hosts: all\n  tasks:\n    - greet: { who: you }\n', { file: 'inline.yml', dir });
    expect(pb).toMatchObject({ file: `${dir}/inline.yml`, dir: resolve(dir), plays: [{ tasks: [{ module: 'greet', args: { who: 'you' } }] }] });
    expect(await problemsOf(loadPlaybookFromString('- hosts: all\n  tasks:\n    - greet: {}\n', { file: 'inline.yml', dir }))).toEqual([
      `${dir}/inline.yml:3: plays[0].tasks[0].greet.who: missing required key "who"`,
    ]);
  });
});
