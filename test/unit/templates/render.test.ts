// What `{{ value }}` puts into a config file: text as is, and never a value that would print as "[object Object]"
// or a port helper that would print NaN.
import { describe, expect, it } from '@jest/globals';
import { render } from '../../../src/template/render.js';

const message = (source: string, vars: Record<string, unknown>) => {
  try {
    return `rendered: ${render(source, vars, { file: 't.conf.hbs' })}`;
  } catch (e) {
    return (e as Error).message;
  }
};

describe('values written into text', () => {
  it('are written as they are: no HTML escaping, lists joined by commas as before', () => {
    expect(render('a={{ a }} b={{ b }} n={{ n }} l={{ l }}', { a: '<x & "y">', b: true, n: 8333, l: ['p', 'q'] })).toBe('a=<x & "y"> b=true n=8333 l=p,q');
  });

  it('refuses a mapping, naming the ways to write it', () => {
    expect(message('peer={{ peer }}\n', { peer: { host: 'h', port: 1 } })).toBe(
      't.conf.hbs: a mapping is written into text, where it would print "[object Object]"\n' +
        '  fix: write one of its fields ({{ name.field }}), or the whole mapping as JSON with {{json name}}',
    );
    expect(message('{{#each peers}}{{ this }}{{/each}}', { peers: [{ host: 'h' }] })).toContain('a mapping is written into text');
    expect(message('{{ json peer }}', { peer: { host: 'h' } })).toBe('rendered: {"host":"h"}');
  });

  it('stable_port refuses bounds that are not ports instead of printing NaN', () => {
    expect(message('{{ stable_port name "a" 2 }}', { name: 'h1' })).toBe('t.conf.hbs: template error: stable_port needs two port numbers, low then high (1 to 65535), got "a" and 2');
    expect(message('{{ stable_port name 9000 8999 }}', { name: 'h1' })).toContain('stable_port needs two port numbers');
    expect(Number(render('{{ stable_port name 9000 31000 }}', { name: 'h1' }))).toBeGreaterThanOrEqual(9000);
  });
});
