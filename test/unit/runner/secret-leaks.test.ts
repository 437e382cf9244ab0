// Each way a secret once reached the output, run end to end through the runner and every reporter (human at -vvv
// with --diff, --json and --junit): the secret must not appear in any of them, nor any part of it.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineModule } from '../../../src/modules/define.js';
import { registerModule } from '../../../src/modules/registry.js';
import type { Task } from '../../../src/playbook/types.js';
import { allOutput } from '../../helpers/outputs.js';
import { task } from '../../helpers/build.js';

const debugMsg = (msg: string, extra: Partial<Task> = {}) => task('show', 'debug', { msg }, extra);
const debugVar = (name: string) => task(`show ${name}`, 'debug', { var: name });

describe('a secret never reaches the output', () => {
  it('when it comes from the play defaults', async () => {
    const out = await allOutput([debugMsg('pw {{ db_password }}')], { defaults: { db_password: 'DefaultsSecret1x' } });
    expect(out).toContain('pw ***');
    expect(out).not.toContain('DefaultsSecret1x');
  });

  it('when a secret-named variable is a template: its rendered value is the secret', async () => {
    const out = await allOutput([debugVar('db_password'), debugMsg('pw {{ db_password }}')], { vars: { vault_db: 'VaultSecret2x', db_password: '{{ vault_db }}' } });
    expect(out).not.toContain('VaultSecret2x');
  });

  it('when a number is the value of a secret-named variable', async () => {
    const out = await allOutput([debugMsg('token {{ api_token }}'), debugVar('api_token')], { vars: { api_token: 123456789 } });
    expect(out).toContain('token ***');
    expect(out).not.toContain('123456789');
  });

  it('when the json helper escapes it', async () => {
    const out = await allOutput([debugMsg('{{json db_password}}')], { vars: { db_password: 'a"b\\cJsonSecret5x' } });
    expect(out).not.toContain('JsonSecret5x');
  });

  it('when a condition error describes it', async () => {
    const out = await allOutput([debugMsg('hi', { when: ['db_password > 5'] })], { vars: { db_password: 'Kind"Secret6x' } });
    expect(out).toContain('cannot compare');
    expect(out).not.toContain('Secret6x');
  });

  it('when a condition error describes it changed by a filter', async () => {
    const out = await allOutput([debugMsg('hi', { when: ['db_password | upper > 5'] }), debugMsg('hi', { when: ['db_password | trim | lower > 5'] })], { vars: { db_password: ' FiltSecret13x ' } });
    expect(out).toContain('cannot compare');
    expect(out).not.toMatch(/filtsecret13x/i);
  });

  it('when a condition error describes a piece of it or a number made from it (first, last, int)', async () => {
    const out = await allOutput(
      ['(api_token | first) > 5', '(api_token | last) > 5', '(db_password | int) > "x"'].map((c) => debugMsg('hi', { when: [c], ignoreErrors: true })),
      { vars: { api_token: 'QfirstSecret14Z', db_password: '000731' } },
    );
    expect(out).toContain('cannot compare a string > a number');
    expect(out).toContain('cannot compare a number > a string');
    expect(out).not.toMatch(/"Q"|"Z"|\b731\b/);
  });

  it('when a loop item holding "{{" is rendered again and fails to parse (found by the property test)', async () => {
    const out = await allOutput([debugMsg('{{ item }}', { loop: '{{ db_password }}', ignoreErrors: true })], { vars: { db_password: ['Qx7Mk\n\\{{'] } });
    expect(out).toContain('template syntax error');
    expect(out).not.toContain('Qx7Mk');
  });

  it('when an error cuts a long value short: no prefix of it is shown', async () => {
    const long = `Trunc7Secret${'y'.repeat(60)}`;
    const out = await allOutput([task('bad mode', 'copy', { content: 'x', dest: '/nonexistent/x', mode: '{{ db_password }}' })], { vars: { db_password: long } });
    expect(out).toContain('(after templating)');
    expect(out).not.toContain('Trunc7');
  });

  it('when set_fact copies it under a plain name, as a number', async () => {
    const out = await allOutput([task('copy', 'set_fact', { plain: '{{ api_token }}' }), debugVar('plain')], { vars: { api_token: 987654321 } });
    expect(out).not.toContain('987654321');
  });

  it('when a no_log set_fact sets a number and a later task shows it', async () => {
    const out = await allOutput([task('hidden', 'set_fact', { pin: 24681357 }, { noLog: true }), debugVar('pin'), debugMsg('pin {{ pin }}')]);
    expect(out).not.toContain('24681357');
  });

  it('when a no_log task registers what its command printed and a later task shows it', async () => {
    const hidden = task('hidden', 'command', { argv: ['sh', '-c', 'printf %s%s Registered Secret4x'] }, { noLog: true, register: 'r' });
    const out = await allOutput([hidden, debugVar('r'), debugMsg('{{ r.stdout }}')]);
    expect(out).not.toContain('RegisteredSecret4x');
  });

  it('when a loop goes over a secret list', async () => {
    const out = await allOutput([debugMsg('item {{ item }}', { loop: '{{ api_tokens }}' })], { vars: { api_tokens: ['LoopSecretA1', 'LoopSecretB2'] } });
    expect(out).not.toMatch(/LoopSecret/);
  });

  it('when two secrets overlap in one text', async () => {
    const out = await allOutput([debugMsg('{{ a_password }}ghij')], { vars: { a_password: 'Overlapabcdef', b_password: 'abcdefghij' } });
    expect(out).toContain('ok: [h1] => ***\n');
  });

  it('when a secret is shorter than 3 characters, where it stands as a whole word', async () => {
    const out = await allOutput([debugMsg('pin is {{ pin_password }}, sprint is not')], { vars: { pin_password: 'pr' } });
    expect(out).toContain('ok: [h1] => pin is ***, sprint is not\n');
  });
});

describe('--diff never shows the value a secret replaces', () => {
  const withFile = async (old: string, content: string, vars: Record<string, unknown>) => {
    const dir = mkdtempSync(join(tmpdir(), 'provision-diff-secret-'));
    try {
      writeFileSync(join(dir, 'f'), old);
      const out = await allOutput([task('write', 'copy', { content, dest: join(dir, 'f') })], { vars }, {}, { check: true });
      expect(readFileSync(join(dir, 'f'), 'utf8')).toBe(old);
      return out;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('when the file holds only the secret', async () => {
    const out = await withFile('OldRotated8x\n', '{{ db_password }}\n', { db_password: 'NewSecret8x' });
    expect(out).toContain('\n-*** (old value)\n+***\n');
    expect(out).not.toMatch(/OldRotated8x|NewSecret8x/);
  });

  it('when the old file spells the key differently', async () => {
    const out = await withFile('RPCPassword = OldRotated9x\nport=1\n', 'rpcpassword={{ db_password }}\nport=1\n', { db_password: 'NewSecret9x' });
    expect(out).toContain('\n-RPCPassword = *** (old value)\n+rpcpassword=***\n');
    expect(out).not.toMatch(/OldRotated9x|NewSecret9x/);
  });
});

describe('an internal error out of a run', () => {
  it('carries no secret in its message or stack', async () => {
    registerModule(
      defineModule({
        name: 'test_crash',
        summary: 'test module: crashes, naming a variable',
        args: z.strictObject({}),
        plan(_args, _current, ctx) {
          throw new Error(`crashed on ${String(ctx.vars.db_password)}`);
        },
      }),
    );
    const run = allOutput([task('crash', 'test_crash', {})], { vars: { db_password: 'CrashSecret12x' } });
    await expect(run).rejects.toThrow('crashed on ***');
    const error = (await run.catch((e: unknown) => e)) as Error;
    expect(error.stack).not.toContain('CrashSecret12x');
  });
});
