import { describe, expect, it } from '@jest/globals';
import { checkModuleArgs, parseKeyValues, readModuleArgs, resolveModuleName } from '../../../src/playbook/module-args.js';
import { getModule } from '../../../src/modules/registry.js';
import { registerTestModules } from './test-modules.js';

await registerTestModules();
const apt = getModule('apt')!;
const command = getModule('command')!;

describe('parseKeyValues', () => {
  it('splits key=value pairs, with double or single quotes grouping words', () => {
    expect(parseKeyValues(`name=nginx state=present msg="two words" q='it is' empty=`)).toEqual({ name: 'nginx', state: 'present', msg: 'two words', q: 'it is', empty: '' });
  });
  it('unescapes inside double quotes', () => {
    expect(parseKeyValues('msg="say \\"hi\\""')).toEqual({ msg: 'say "hi"' });
  });
  it('is undefined when anything is not a pair', () => {
    expect([parseKeyValues('ls -l'), parseKeyValues('a=1 b'), parseKeyValues(''), parseKeyValues('=x')]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('resolveModuleName', () => {
  it('finds registered names, and fully qualified names whose last part is registered', () => {
    expect([resolveModuleName('apt'), resolveModuleName('ansible.builtin.apt'), resolveModuleName('community.general.apt')]).toEqual(['apt', 'apt', 'apt']);
  });
  it('finds nothing for unknown names or malformed qualified names', () => {
    expect([resolveModuleName('aptt'), resolveModuleName('ansible.builtin.nope'), resolveModuleName('builtin.apt')]).toEqual([undefined, undefined, undefined]);
  });
});

describe('readModuleArgs', () => {
  it('reads nothing as no arguments and copies a mapping', () => {
    expect(readModuleArgs(apt, null)).toEqual({ ok: true, args: {} });
    expect(readModuleArgs(apt, { name: 'x' })).toEqual({ ok: true, args: { name: 'x' } });
  });
  it('puts a string under the free-form key, and a number as a string', () => {
    expect(readModuleArgs(command, 'ls -l')).toEqual({ ok: true, args: { cmd: 'ls -l' } });
    expect(readModuleArgs(command, 42)).toEqual({ ok: true, args: { cmd: '42' } });
  });
  it('reads key=value pairs of a module without a free form', () => {
    expect(readModuleArgs(apt, 'name=nginx state=latest')).toEqual({ ok: true, args: { name: 'nginx', state: 'latest' } });
  });
  it('says what it expected otherwise', () => {
    expect(readModuleArgs(apt, 'nginx')).toEqual({ ok: false, expected: 'a mapping of arguments (or key=value pairs)' });
    expect(readModuleArgs(command, ['ls'])).toEqual({ ok: false, expected: 'a mapping of arguments, or a string (cmd)' });
  });
});

describe('checkModuleArgs', () => {
  it('converts Ansible boolean words and numeric strings where the schema wants them', () => {
    expect(checkModuleArgs(apt, { name: 'x', update_cache: 'Yes', cache_valid_time: '3600' })).toEqual({ args: { name: 'x', update_cache: true, cache_valid_time: 3600 }, issues: [] });
  });
  it('does not change the arguments it was given', () => {
    const args = { name: 'x', update_cache: 'no' };
    checkModuleArgs(apt, args);
    expect(args.update_cache).toBe('no');
  });
  it('leaves other strings for the schema to reject', () => {
    const { issues } = checkModuleArgs(apt, { name: 'x', update_cache: 'maybe' });
    expect(issues.map((i) => [i.code, i.path])).toEqual([['invalid_type', ['update_cache']]]);
  });
  it('skips issues at templated strings only when asked', () => {
    const args = { name: 'x', cache_valid_time: '{{ ttl }}' };
    expect(checkModuleArgs(apt, args, { skipTemplated: true }).issues).toEqual([]);
    expect(checkModuleArgs(apt, args).issues).toHaveLength(1);
  });
});
