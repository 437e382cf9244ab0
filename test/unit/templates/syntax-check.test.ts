// templateSyntaxError checks templates at load time by parsing and walking the tree (compiling every templated
// argument before connecting cost start-up time). It must refuse exactly what Handlebars' compiler refuses.
import { describe, expect, test } from '@jest/globals';
import Handlebars from 'handlebars';
import { templateSyntaxError } from '../../../src/template/render.js';

const known = ['stable_port', 'eq', 'ne', 'not', 'and', 'or', 'default', 'join', 'json', 'list', 'bool'];
const compilerRefuses = (source: string): boolean => {
  try {
    Handlebars.create().precompile(source, { strict: true, noEscape: true, knownHelpers: Object.fromEntries(known.map((k) => [k, true])), knownHelpersOnly: true });
    return false;
  } catch {
    return true;
  }
};

const sources = [
  'plain text',
  '{{name}}',
  '{{a.b.c}}',
  '{{default x "y"}}',
  '{{upper x}}',
  '{{upper}}',
  '{{#if x}}a{{else}}b{{/if}}',
  '{{#each xs}}{{this}}{{/each}}',
  '{{#each xs as |item|}}{{item}}{{/each}}',
  '{{#each xs as |item|}}{{item x}}{{/each}}',
  '{{#each xs as |item|}}{{item.name x}}{{/each}}',
  '{{#custom x}}a{{/custom}}',
  '{{#custom}}a{{/custom}}',
  '{{default (upper x) "y"}}',
  '{{default (eq a b) "y"}}',
  '{{upper key=1}}',
  '{{join (list x) ","}}',
  '{{lookup m "k"}}',
  '{{a.b c}}',
  '{{"literal" x}}',
  '{{@index x}}',
  '{{#with x as |y|}}{{y z}}{{/with}}',
  '{{../x y}}',
  '{{this x}}',
];

describe('templateSyntaxError agrees with the Handlebars compiler', () => {
  test.each(sources)('%s', (source) => {
    expect(templateSyntaxError(source) !== undefined).toBe(compilerRefuses(source));
  });

  test('an unknown helper is named, with the helpers there are', () => {
    expect(templateSyntaxError('{{upper x}}')?.problem).toMatchObject({ what: 'unknown template helper "upper"', expected: expect.stringContaining('default, join') });
  });

  test('a partial is refused', () => {
    expect(templateSyntaxError('{{> footer}}')?.problem.what).toBe('template partials ({{> name}}) are not supported');
  });
});
