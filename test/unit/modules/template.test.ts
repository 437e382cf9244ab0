import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { template } from '../../../src/modules/template.js';
import { Secret } from '../../../src/shell/secret.js';
import { fourSteps, runModule, tempDir } from '../../helpers/module-harness.js';

describe('template on a real filesystem', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let templates: string;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    templates = join(dir, 'templates');
    await mkdir(templates);
    await writeFile(join(templates, 'bitcoin.conf.hbs'), 'server=1\nrpcuser={{rpc.user}}\nrpcpassword={{rpc.password}}\n{{#if i2p}}i2psam=127.0.0.1:7656\n{{/if}}');
  });
  afterEach(() => cleanup());

  const vars = { rpc: { user: 'alice', password: 'hunter2' }, i2p: true };

  it('passes the four steps with a rendered file, mode and owner', async () => {
    const dest = join(dir, 'bitcoin.conf');
    const r = await fourSteps(template, { src: 'bitcoin.conf.hbs', dest, mode: '0600', owner: 'nobody' }, { vars, playbookDir: dir }, () => readFile(dest, 'utf8').catch(() => 'missing'));
    expect([r.checkBefore.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(r.afterCheck).toBe('missing');
    expect(await readFile(dest, 'utf8')).toBe('server=1\nrpcuser=alice\nrpcpassword=hunter2\ni2psam=127.0.0.1:7656\n');
    const st = await stat(dest);
    expect([st.mode & 0o7777, st.uid]).toEqual([0o600, 65534]);
  });

  it('rewrites the file when a variable changes, and shows the change as a diff', async () => {
    const dest = join(dir, 'bitcoin.conf');
    await runModule(template, { src: 'bitcoin.conf.hbs', dest }, { vars, playbookDir: dir });
    const r = await runModule(template, { src: 'bitcoin.conf.hbs', dest }, { vars: { ...vars, i2p: false }, playbookDir: dir, diff: true });
    expect(r.changed).toBe(true);
    expect(r.plan.diffs).toEqual([
      { path: dest, before: 'server=1\nrpcuser=alice\nrpcpassword=hunter2\ni2psam=127.0.0.1:7656\n', after: 'server=1\nrpcuser=alice\nrpcpassword=hunter2\n' },
    ]);
  });

  it('writes the real value of a secret but masks it in the diff', async () => {
    const dest = join(dir, 'bitcoin.conf');
    const r = await runModule(template, { src: 'bitcoin.conf.hbs', dest }, { vars: { ...vars, rpc: { user: 'alice', password: new Secret('s3cr3t-pw') } }, playbookDir: dir, diff: true });
    expect(await readFile(dest, 'utf8')).toContain('rpcpassword=s3cr3t-pw\n');
    expect(r.plan.diffs![0].after).toBe('server=1\nrpcuser=alice\nrpcpassword=***\ni2psam=127.0.0.1:7656\n');
  });

  it('looks in the template folders before the playbook templates/ folder', async () => {
    const other = join(dir, 'other');
    await mkdir(other);
    await writeFile(join(other, 'bitcoin.conf.hbs'), 'from other\n');
    const dest = join(dir, 'out');
    await runModule(template, { src: 'bitcoin.conf.hbs', dest }, { vars, playbookDir: dir, templateDirs: [other] });
    expect(await readFile(dest, 'utf8')).toBe('from other\n');
  });

  it('names the template file and line of an undefined variable', async () => {
    const path = join(templates, 'bitcoin.conf.hbs');
    await expect(runModule(template, { src: 'bitcoin.conf.hbs', dest: join(dir, 'out') }, { vars: { rpc: { user: 'a' }, i2p: false }, playbookDir: dir })).rejects.toThrow(
      `${path}:3:15: undefined variable "password"`,
    );
  });

  it('names every place it looked for a missing template', async () => {
    await expect(runModule(template, { src: 'nope.hbs', dest: join(dir, 'out') }, { playbookDir: dir, templateDirs: ['/srv/t'] })).rejects.toThrow(
      `template "nope.hbs" not found\n  expected: a file at /srv/t/nope.hbs or ${dir}/templates/nope.hbs`,
    );
  });

  it('keeps the old file when validate refuses the rendered content', async () => {
    const dest = join(dir, 'bitcoin.conf');
    await writeFile(dest, 'old\n');
    const r = await runModule(template, { src: 'bitcoin.conf.hbs', dest, validate: 'grep -q ^rpcuser=bob %s' }, { vars, playbookDir: dir });
    expect(r.failed).toBe(true);
    expect(await readFile(dest, 'utf8')).toBe('old\n');
  });
});
