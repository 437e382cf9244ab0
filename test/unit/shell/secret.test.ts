// The Masker: which text it blanks out, and which it leaves alone.
import { describe, expect, it } from '@jest/globals';
import { Masker, Secret } from '../../../src/shell/secret.js';

const masker = (...secrets: unknown[]) => {
  const m = new Masker();
  secrets.forEach((s) => m.add(s));
  return m;
};

describe('the masker', () => {
  it('masks two overlapping secrets as one span, leaving no part of either', () => {
    expect(masker('abcdef', 'defghij').mask('x abcdefghij y')).toBe('x *** y');
  });

  it('masks two secrets that touch as one span', () => {
    expect(masker('abcd', 'efgh').mask('abcdefgh!')).toBe('***!');
  });

  it('masks a secret shorter than 3 characters only where it stands alone', () => {
    expect(masker('pr').mask('pr, sprint, pr')).toBe('***, sprint, ***');
    expect(masker('7').maskValue({ pin: 7, other: 17, text: 'code 7' })).toEqual({ pin: '***', other: 17, text: 'code ***' });
  });

  it('masks a number in the form it prints', () => {
    expect(masker(123456789).mask('token 123456789.')).toBe('token ***.');
  });

  it('masks every leaf of a list or a mapping, and a Secret', () => {
    expect(masker({ user: 'alice-admin', keys: ['key-one', 42424242] }, new Secret('hidden-x')).mask('alice-admin key-one 42424242 hidden-x')).toBe('*** *** *** ***');
  });

  it('masks the JSON-escaped, shell-quoted and trimmed forms of a secret', () => {
    const m = masker(" it's \"quoted\"\n");
    expect(m.mask(JSON.stringify(" it's \"quoted\"\n"))).toBe('"***"');
    expect(m.mask(`printf ' it'\\''s "quoted"\n'`)).toBe('printf ***');
    expect(m.mask(`out: it's "quoted"`)).toBe('out: ***');
  });

  it('leaves text without a secret as it is', () => {
    expect(masker('abcdef').mask('nothing here')).toBe('nothing here');
  });
});
