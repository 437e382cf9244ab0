import { describe, expect, it } from '@jest/globals';
import { conditionSyntaxError, evalCondition, truthy } from '../../../src/expr/expr.js';
import { ProvisionError } from '../../../src/errors.js';

const where = { file: 'site.yml', line: 7, col: 13, path: 'plays[0].tasks[2].when', host: 'web1' };
const vars = {
  count: 3,
  name: 'nginx',
  text: 'hello world',
  enabled: 'no',
  flag: 'yes',
  list: [1, 2, 'three'],
  empty: [],
  map: { a: 1 },
  nothing: null,
  result: { rc: 0, changed: true, failed: false, stdout: 'Linux 6.1', stdout_lines: ['Linux 6.1'] },
  skipped_result: { changed: false, skipped: true },
  failed_result: { changed: false, failed: true, rc: 2 },
  version: '12',
};
const check = (expr: string | boolean) => evalCondition(expr, vars, where);
const errorOf = (expr: string): string => {
  try {
    check(expr);
  } catch (e) {
    if (e instanceof ProvisionError) return e.message;
    throw e;
  }
  throw new Error(`"${expr}" did not fail`);
};

describe('evalCondition', () => {
  it.each([
    ['count == 3', true],
    ['count != 3', false],
    ['count > 2 and count <= 3', true],
    ['count < 2 or name == "nginx"', true],
    ["name == 'nginx'", true],
    ['not count == 3', false],
    ['(count > 5 or count < 4) and not (name != "nginx")', true],
    ['count >= 3 and count < 10 and count > 0', true],
  ])('compares and combines: %s → %s', (expr, expected) => expect(check(expr)).toBe(expected));

  it.each([
    ["'world' in text", true],
    ["'mars' in text", false],
    ["'mars' not in text", true],
    ['2 in list', true],
    ["'three' in list", true],
    ['4 not in list', true],
    ["'a' in map", true],
    ["name in ['nginx', 'apache']", true],
    ["name in ('a', 'b')", false],
  ])('tests membership in strings, lists and mappings: %s → %s', (expr, expected) => expect(check(expr)).toBe(expected));

  it.each([
    ['result.rc == 0', true],
    ["result['rc'] == 0", true],
    ['result.stdout_lines[0] == "Linux 6.1"', true],
    ['list[-1] == "three"', true],
    ["'Linux' in result.stdout", true],
  ])('reads dotted paths and indexes: %s → %s', (expr, expected) => expect(check(expr)).toBe(expected));

  it.each([
    ['missing is defined', false],
    ['missing is not defined', true],
    ['missing is undefined', true],
    ['result.nope is defined', false],
    ['missing.deeper is defined', false],
    ['count is defined', true],
    ['nothing is none', true],
    ['result is changed', true],
    ['result is failed', false],
    ['result is succeeded', true],
    ['result is success', true],
    ['failed_result is failed', true],
    ['skipped_result is skipped', true],
    ['result is not skipped', true],
  ])('runs tests: %s → %s', (expr, expected) => expect(check(expr)).toBe(expected));

  it.each([
    ['flag | bool', true],
    ['enabled | bool', false],
    ['not enabled | bool', true],
    ['version | int >= 12', true],
    ['missing | default(5) == 5', true],
    ['missing | d("x") == "x"', true],
    ['list | length == 3', true],
    ['name | upper == "NGINX"', true],
    ['list | join(",") == "1,2,three"', true],
    ['missing | default(false) | bool', false],
  ])('applies filters: %s → %s', (expr, expected) => expect(check(expr)).toBe(expected));

  it.each([
    ['true', true],
    ['True', true],
    ['False', false],
    ['not false', true],
    ['enabled', false],
    ['flag', true],
    ['empty', false],
    ['list', true],
    ['nothing', false],
    ['"0" == "0"', true],
  ])('treats literals and bare values with Ansible truthiness: %s → %s', (expr, expected) => expect(check(expr)).toBe(expected));

  it('lets YAML booleans pass through', () => {
    expect(check(true)).toBe(true);
    expect(check(false)).toBe(false);
  });

  it('strips one {{ }} around the whole condition', () => {
    expect(check('{{ count == 3 }}')).toBe(true);
  });

  it('reports an undefined variable with the expression and where', () => {
    expect(errorOf('missing == 1')).toBe(
      'site.yml:7:13: host web1: plays[0].tasks[2].when: undefined variable "missing" in condition "missing == 1"\n  fix: test it first (missing is defined and ...) or give a default (missing | default(...))',
    );
  });

  it('reports a missing key and lists the keys that exist', () => {
    expect(errorOf('result.code == 0')).toBe(
      'site.yml:7:13: host web1: plays[0].tasks[2].when: undefined variable "result.code" in condition "result.code == 0"\n  fix: "result" has: rc, changed, failed, stdout, stdout_lines; test it first (result.code is defined and ...) or give a default (result.code | default(...))',
    );
  });

  it('reports a syntax error with its column', () => {
    expect(errorOf('count == ')).toBe('site.yml:7:13: host web1: plays[0].tasks[2].when: syntax error in condition "count == ": expected a value after "==", got the end of the expression (column 9)');
    expect(errorOf('{{ count == }}')).toBe('site.yml:7:13: host web1: plays[0].tasks[2].when: syntax error in condition "{{ count == }}": expected a value after "==", got the end of the expression (column 12)');
    expect(errorOf('count = 3')).toBe('site.yml:7:13: host web1: plays[0].tasks[2].when: syntax error in condition "count = 3": "=" assigns; compare with "==" (column 7)');
  });

  it('reports comparisons of different types instead of guessing', () => {
    expect(errorOf('version >= 12')).toBe(
      'site.yml:7:13: host web1: plays[0].tasks[2].when: cannot evaluate condition "version >= 12": cannot compare a string >= a number (convert with | int or | string)',
    );
  });

  it('reports tests applied to something that is not a registered result', () => {
    expect(errorOf('count is changed')).toBe('site.yml:7:13: host web1: plays[0].tasks[2].when: cannot evaluate condition "count is changed": "is changed" needs a registered result, got a number');
  });

  it('does not let a variable reach JavaScript prototypes', () => {
    expect(check('constructor is defined')).toBe(false);
    expect(check('map.toString is defined')).toBe(false);
  });
});

describe('conditionSyntaxError', () => {
  it.each([
    ['a and', 'expected a value after "and", got the end of the expression (column 6)'],
    ['a b', 'expected an operator (and, or, ==, in, ...), got "b" (column 3)'],
    ['(a', 'expected ")", got the end of the expression (column 3)'],
    ["'open", 'unterminated string starting with \' (column 1)'],
    ['x is frobbed', 'unknown test "frobbed" (known: defined, undefined, none, changed, failed, succeeded, success, skipped) (column 6)'],
    ['x | boool', 'unknown filter "boool" (known: bool, int, float, string, lower, upper, trim, length, count, first, last, join, default, d); did you mean "bool"? (column 5)'],
    ['x == "{{ y }}"', 'a condition is already an expression: write the variable without quotes and {{ }} (column 6)'],
    ['{{ x }} == {{ y }}', 'a condition is already an expression: write it without {{ }} inside (column 1)'],
    ['', 'empty condition (column 1)'],
  ])('explains %j', (expr, message) => {
    expect(conditionSyntaxError(expr)).toBe(`syntax error in condition "${expr}": ${message}`);
  });

  it('accepts every form the evaluator understands', () => {
    for (const ok of ['a', 'a.b[0] == "x" and not c', 'x is not defined or x | bool', "'a' not in b", '{{ a }}', 'a % 2 == 1', '-a < 0']) {
      expect(conditionSyntaxError(ok)).toBeUndefined();
    }
  });
});

describe('long and deeply nested conditions', () => {
  it('evaluates a flat chain of 3000 or/and terms, stopping at the first term that decides', () => {
    const ors = Array.from({ length: 3000 }, (_, i) => `count == ${i + 10}`);
    expect(check([...ors, 'count == 3'].join(' or '))).toBe(true);
    expect(check(ors.join(' or '))).toBe(false);
    expect(check(['count == 3', ...ors.map((o) => `not ${o}`)].join(' and '))).toBe(true);
    // Left to right: the undefined variable after a deciding term is never read.
    expect(check(`count == 3 or ${ors.join(' or ')} or missing.x`)).toBe(true);
    expect(check(`nothing and missing or count == 3 and ${Array.from({ length: 3000 }, () => 'flag | bool').join(' and ')}`)).toBe(true);
  });

  it('refuses nesting deeper than 100 brackets, at the bracket that goes too deep', () => {
    const deep = `${'('.repeat(101)}count${')'.repeat(101)} == 3`;
    expect(conditionSyntaxError(deep)?.replace(deep, 'DEEP')).toBe('syntax error in condition "DEEP": nested more than 100 brackets deep (column 101)');
    expect(check(`${'('.repeat(100)}count${')'.repeat(100)} == 3`)).toBe(true);
    expect(conditionSyntaxError(`${'['.repeat(5000)}${']'.repeat(5000)}`)).toMatch(/: nested more than 100 brackets deep \(column 101\)$/);
  });

  it('says plainly when a condition is too long a chain of another kind to evaluate', () => {
    const sum = Array.from({ length: 3000 }, () => 'count').join(' + ');
    expect(conditionSyntaxError(sum)?.replace(sum, 'SUM')).toBe('syntax error in condition "SUM": too long or too deeply nested to evaluate: split it into several conditions (a list under when: means all of them) (column 1)');
  });
});

describe('truthy', () => {
  it('follows Python, plus Ansible boolean words', () => {
    expect([0, 1, '', 'x', 'no', 'Off', 'FALSE', 'yes', [], [0], {}, { a: 1 }, null, undefined].map(truthy)).toEqual([
      false, true, false, true, false, false, false, true, false, true, false, true, false, false,
    ]);
  });
});
