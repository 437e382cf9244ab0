import { describe, expect, it } from '@jest/globals';
import { globToRegExp, hasWildcard } from '../../../src/text/glob.js';

const matches = (glob: string, name: string, options = {}) => globToRegExp(glob, options).test(name);

describe('a glob as a RegExp', () => {
  it('reads * as any run of characters, dots included, and ? as exactly one', () => {
    expect(matches('web*', 'web1.example.org')).toBe(true);
    expect(matches('web*', 'db1')).toBe(false);
    expect(matches('web?', 'web1')).toBe(true);
    expect(matches('web?', 'web12')).toBe(false);
    expect(matches('*', '')).toBe(true);
  });

  it('is anchored: the whole name must match', () => {
    expect(matches('web', 'aweb')).toBe(false);
    expect(matches('web', 'webs')).toBe(false);
  });

  it('takes RegExp characters literally', () => {
    expect(matches('a.b+(c)|$^{1}', 'a.b+(c)|$^{1}')).toBe(true);
    expect(matches('a.b', 'axb')).toBe(false);
  });

  it('has no escape character: a backslash is itself', () => {
    expect(matches('a\\*', 'a\\bc')).toBe(true);
    expect(matches('a\\*', 'a*')).toBe(false);
  });

  it('compares case-sensitively unless asked (known_hosts names compare in any case)', () => {
    expect(matches('Web*', 'web1')).toBe(false);
    expect(matches('Web*', 'web1', { ignoreCase: true })).toBe(true);
  });
});

describe('character classes, read only when asked (fnmatch host patterns; OpenSSH has none)', () => {
  const classes = { classes: true };

  it('matches one character of a class, a range, or with [!...] one outside it', () => {
    expect(matches('web[12]', 'web2', classes)).toBe(true);
    expect(matches('web[12]', 'web3', classes)).toBe(false);
    expect(matches('web[0-9]', 'web7', classes)).toBe(true);
    expect(matches('web[!12]', 'web3', classes)).toBe(true);
    expect(matches('web[!12]', 'web1', classes)).toBe(false);
  });

  it('reads a backslash inside a class as itself', () => {
    expect(matches('a[\\]b', 'a\\b', classes)).toBe(true);
  });

  it('takes an unclosed [ literally', () => {
    expect(matches('web[1', 'web[1', classes)).toBe(true);
  });

  it('without classes, takes [ and ] literally', () => {
    expect(matches('[host]:2222', '[host]:2222')).toBe(true);
    expect(matches('[host]:2222', 'h:2222')).toBe(false);
    expect(matches('[h*]:22', '[host]:22')).toBe(true);
  });
});

describe('whether a text holds a wildcard', () => {
  it('counts * and ?, and [ only when classes are read', () => {
    expect(hasWildcard('web*')).toBe(true);
    expect(hasWildcard('web?')).toBe(true);
    expect(hasWildcard('[host]:22')).toBe(false);
    expect(hasWildcard('web[12]', { classes: true })).toBe(true);
    expect(hasWildcard('web1', { classes: true })).toBe(false);
  });
});
