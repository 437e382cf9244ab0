// quote() against real shells, for random strings: whatever the value, dash and bash hand the program exactly that
// value back as one argument — alone, in a list, inside sh`...`, and once more through wrap()'s `/bin/sh -c`.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { cmd, quote, sh, wrap } from '../../../src/shell/quote.js';
import { ProvisionError } from '../../../src/errors.js';

/** The arguments a shell script's printf received, each followed by a NUL byte. */
function received(shell: string, script: string): string[] {
  return execFileSync(shell, ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

// Any code points but NUL (which no argv can carry); weighted towards the characters a shell cares about.
const shellish = fc.constantFrom(...` '"\\$\`;&|<>(){}[]*?~#!%=,:-\n\t\r`.split(''), '$(', '${', "'\\''", '\u00e9', '\u{1F600}');
const value = fc
  .array(fc.oneof({ weight: 2, arbitrary: shellish }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }), { maxLength: 12 })
  .map((parts) => parts.join('').replace(/\0/g, ''));
const values = fc.array(value, { minLength: 1, maxLength: 16 });
// Each run starts a shell: 50 runs of up to 16 values each keep the file near a few seconds on a busy machine.
const RUNS = { numRuns: 50, seed: 20261126 };

describe('quote() round-trips random strings through real shells', () => {
  it.each(['/bin/sh', '/bin/bash'])('%s gives a quoted list back exactly, one argument per value', (shell) => {
    fc.assert(
      fc.property(values, (vs) => {
        expect(received(shell, cmd('printf', '%s\\0', ...vs).text)).toEqual(vs);
      }),
      RUNS,
    );
  });

  it('survives a second round of quoting: wrap() runs the command under /bin/sh -c, as on a host, here under bash', () => {
    fc.assert(
      fc.property(values, (vs) => {
        expect(received('/bin/bash', wrap(cmd('printf', '%s\\0', ...vs)).text)).toEqual(vs);
      }),
      RUNS,
    );
  });

  it('keeps every ${value} of sh`...` one word, between trusted script text, arrays expanding to several words', () => {
    fc.assert(
      fc.property(value, values, (one, many) => {
        expect(received('/bin/sh', sh`x=${one}; printf '%s\\0' "$x" ${many}`.text)).toEqual([one, ...many]);
      }),
      RUNS,
    );
  });

  it('refuses any string holding a NUL byte, with a ProvisionError, never a truncated word', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(() => quote(`${a}\0${b}`)).toThrow(ProvisionError);
      }),
      RUNS,
    );
  });
});
