import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadPlaybook } from '../../../src/playbook/load.js';
import '../../../src/modules/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provision-import-'));
  await writeFile(join(dir, 'main.yml'), '- name: configure\n  hosts: all\n  tasks:\n    - debug: msg=one\n- import_playbook: verify.yml\n');
  await writeFile(join(dir, 'verify.yml'), '- name: verify\n  hosts: all\n  tasks:\n    - debug: msg=two\n');
  await writeFile(join(dir, 'a.yml'), '- import_playbook: b.yml\n');
  await writeFile(join(dir, 'b.yml'), '- import_playbook: a.yml\n');
  await writeFile(join(dir, 'bad.yml'), '- import_playbook: broken.yml\n');
  await writeFile(join(dir, 'broken.yml'), '- name: x\n  hosts: all\n  tasks:\n    - aptt: { name: i2pd }\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('import_playbook', () => {
  it('puts the imported plays in place, each keeping its own file for positions', async () => {
    const pb = await loadPlaybook(join(dir, 'main.yml'));
    expect(pb.plays.map((p) => p.name)).toEqual(['configure', 'verify']);
    expect(pb.plays[1].tasks[0].pos.file).toBe(relative(process.cwd(), join(dir, 'verify.yml')));
  });

  it('refuses a cycle, naming the chain', async () => {
    await expect(loadPlaybook(join(dir, 'a.yml'))).rejects.toThrow(/import_playbook cycle: .*a\.yml → .*b\.yml → .*a\.yml/);
  });

  it('reports the imported file\'s problems at their own file:line:col', async () => {
    await expect(loadPlaybook(join(dir, 'bad.yml'))).rejects.toThrow(/broken\.yml:4:7: .*unknown module "aptt"/);
  });
});
