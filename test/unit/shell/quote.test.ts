import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cmd, quote, sh, wrap } from '../../../src/shell/quote.js';
import { Masker, Secret } from '../../../src/shell/secret.js';

// What /bin/sh really receives: each argument printed on its own line by printf.
const argsSeenByShell = (script: string) => execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });

const nasty = [`it's`, `"double"`, '$(touch /tmp/pwned)', '`id`', 'a; rm -rf /', 'line1\nline2', '', ' spaced ', '*', '~root', '-n', '\\'];

describe('quoting values for the shell', () => {
  it.each(nasty)('passes %j through sh as exactly one literal argument', (value) => {
    expect(argsSeenByShell(`printf '%s|' ${quote(value)}`)).toBe(`${value}|`);
  });

  it('leaves plain words unquoted for readable -v output', () => {
    expect(quote('/etc/i2pd/i2pd.conf')).toBe('/etc/i2pd/i2pd.conf');
    expect(cmd('systemctl', 'restart', 'i2pd').text).toBe('systemctl restart i2pd');
  });

  it('refuses a NUL byte with a clear error instead of truncating the value', () => {
    expect(() => quote('a\0b')).toThrow('a value contains a NUL byte (character 2), which no shell command can carry\n  got: a string ("a\\u0000b")\n  fix: remove the NUL byte from the value');
  });

  it('quotes every interpolated value of the sh template and expands lists to words', () => {
    const script = sh`printf '%s|' ${'$(id)'} ${['a b', "c'd"]}`;
    expect(argsSeenByShell(script.text)).toBe("$(id)|a b|c'd|");
  });

  it('wraps a script for sudo without letting its text escape the one argument', () => {
    const script = sh`printf '%s' ${"x'; echo injected; '"}`;
    expect(wrap(script, { user: 'root' }).text).toBe(`sudo -n -H -u root -- /bin/sh -c ${quote(script.text)}`);
    expect(argsSeenByShell(wrap(script, false).text)).toBe("x'; echo injected; '");
  });

  it('reveals a secret inside a command but prints it as ***', () => {
    const secret = new Secret('hunter2-long');
    expect(cmd('echo', secret).text).toBe('echo hunter2-long');
    expect(`${secret}`).toBe('***');
    expect(JSON.stringify({ secret })).toBe('{"secret":"***"}');
  });
});

describe('masking secrets in output', () => {
  it('blanks every known secret, longest first, in text and nested values', () => {
    const m = new Masker();
    m.add('s3cret');
    m.add('s3cret-and-more');
    expect(m.mask('a s3cret-and-more b s3cret')).toBe('a *** b ***');
    expect(m.maskValue({ list: ['x s3cret'], n: 1 })).toEqual({ list: ['x ***'], n: 1 });
  });
});
