// A playbook's own collections (collections/NAME/ next to it) load before it is validated, like its modules/.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getChecker, getModule } from 'provision';
import { loadPlaybook } from '../../../src/playbook/load.js';

const CLI = join(import.meta.dirname, '../../../dist/cli/main.js');

/** The message of the user error a promise rejects with. */
const messageOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error) => e.message);

describe('project collections', () => {
  it("register the collection's module and checker, usable by short and fully qualified name", async () => {
    const pb = await loadPlaybook('test/fixtures/project-collections/site.yml');
    expect(pb.plays[0].tasks.map((t) => t.module)).toEqual(['greeting', 'greeting', 'copy']);
    expect(getModule('greeting')?.summary).toBe('Says hello on the control machine (changes nothing)');
    expect(getChecker('motd')?.name).toBe('motd');
  });

  it('a collection whose name is not its folder is refused with the fix', async () => {
    expect(await messageOf(loadPlaybook('test/fixtures/project-collections-bad/site.yml'))).toMatch(
      /collection "site-tools" is in a folder named tools\n {2}expected: name: tools\n {2}fix: name the folder as the collection/,
    );
  });

  it('a folder with no entry file is refused, naming the entries looked for', async () => {
    expect(await messageOf(loadPlaybook('test/fixtures/project-collections-empty/site.yml'))).toMatch(/collection folder tools has no entry file\n {2}expected: index\.mjs, index\.js, index\.ts, index\.mts/);
  });

  it('an entry file that throws as it loads is one error naming the file', async () => {
    expect(await messageOf(loadPlaybook('test/fixtures/project-collections-throws/site.yml'))).toMatch(/collections\/evil\/index\.mjs: cannot load collection entry file: boom at load$/);
  });

  it('the CLI runs it: the checker stops the file before anything is written', async () => {
    const root = await mkdtemp(join(tmpdir(), 'provision-coll-'));
    try {
      const run = await promisify(execFile)('node', [CLI, 'run', 'test/fixtures/project-collections/site.yml', '-i', 'localhost,', '-e', `root=${root}`]).catch((e) => e);
      expect(run.code).toBe(2);
      expect(run.stdout).toContain('TASK [greeting: operators]\nok: [localhost]');
      expect(run.stdout).toContain(`${root}/motd: host localhost: a motd of more than 3 lines`);
      expect(await messageOf(import('node:fs/promises').then((fs) => fs.stat(join(root, 'motd'))))).toMatch(/ENOENT/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});
