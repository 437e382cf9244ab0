import { describe, expect, it } from '@jest/globals';
import { buildVars, parseExtraVars } from '../../../src/playbook/vars.js';
import { renderValue } from '../../../src/template/value.js';
import { ProvisionError, ProvisionErrors } from '../../../src/errors.js';
import type { Host } from '../../../src/inventory/types.js';
import type { Play } from '../../../src/playbook/types.js';

function host(vars: Record<string, unknown> = {}): Host {
  return { name: 'web1.example.com', vars, groups: ['all', 'web', 'prod'], connection: { type: 'ssh', address: 'web1', port: 22, user: 'me' } };
}
function play(vars: Record<string, unknown> = {}, varsFromFiles: Record<string, unknown> = {}, defaults: Record<string, unknown> = {}): Play {
  return { name: 'p', hosts: 'all', defaults, vars, varsFromFiles, become: false, gatherFacts: false, serial: [], anyErrorsFatal: false, tasks: [], handlers: [], pos: { file: 'f', line: 1, col: 1 }, path: 'plays[0]' };
}
const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProvisionError || e instanceof ProvisionErrors) return e.message;
    throw e;
  }
  throw new Error('did not throw');
};

describe('buildVars precedence, one boundary at a time', () => {
  it('inventory vars beat play defaults, which fill in what nothing else sets', () => {
    const vars = buildVars({ host: host({ x: 'host' }), play: play({}, {}, { x: 'default', y: 'default' }) });
    expect([vars.x, vars.y]).toEqual(['host', 'default']);
  });
  it('play vars beat inventory host vars', () => {
    expect(buildVars({ host: host({ x: 'host' }), play: play({ x: 'play' }) }).x).toBe('play');
  });
  it('vars_files beat play vars', () => {
    expect(buildVars({ host: host(), play: play({ x: 'play' }, { x: 'file' }) }).x).toBe('file');
  });
  it('task vars beat vars_files', () => {
    expect(buildVars({ host: host(), play: play({}, { x: 'file' }), task: { x: 'task' } }).x).toBe('task');
  });
  it('facts beat task vars', () => {
    expect(buildVars({ host: host(), task: { x: 'task' }, facts: { x: 'fact' } }).x).toBe('fact');
  });
  it('registered results beat facts', () => {
    expect(buildVars({ host: host(), facts: { x: 'fact' }, registered: { x: 'registered' } }).x).toBe('registered');
  });
  it('extra vars beat registered results', () => {
    expect(buildVars({ host: host(), registered: { x: 'registered' }, extra: { x: 'extra' } }).x).toBe('extra');
  });
  it('a later layer replaces a whole mapping (no deep merge, as Ansible by default)', () => {
    expect(buildVars({ host: host({ m: { a: 1, b: 2 } }), play: play({ m: { b: 3 } }) }).m).toEqual({ b: 3 });
  });
  it('defines inventory_hostname, its short form and group_names, which no layer overrides', () => {
    const v = buildVars({ host: host({ inventory_hostname: 'fake' }), extra: { group_names: [] } });
    expect([v.inventory_hostname, v.inventory_hostname_short, v.group_names]).toEqual(['web1.example.com', 'web1', ['prod', 'web']]);
  });
  it('defines groups when given the inventory', () => {
    const h = host();
    const inventory = { file: 'i', hosts: new Map([[h.name, h]]), groups: new Map([['web', { name: 'web', hosts: [h.name], children: [], vars: {} }], ['db', { name: 'db', hosts: [], children: [], vars: {} }]]) };
    expect(buildVars({ host: h, inventory }).groups).toEqual({ web: ['web1.example.com'], db: [] });
  });
});

describe('buildVars renders values that refer to other variables', () => {
  it('across layers and in dependency order', () => {
    const v = buildVars({ host: host({ base: '/srv', conf: '{{ dir }}/app.conf' }), play: play({ dir: '{{ base }}/app' }) });
    expect([v.dir, v.conf]).toEqual(['/srv/app', '/srv/app/app.conf']);
  });
  it('keeping the native type of a whole-value reference, deep inside mappings and lists', () => {
    const v = buildVars({ host: host({ ports: [8333, 8332], cfg: { listen: '{{ ports }}', first: ['{{ ports.[0] }}'] } }) });
    expect(v.cfg).toEqual({ listen: [8333, 8332], first: [8333] });
  });
  it('with extra vars that refer to inventory vars', () => {
    expect(buildVars({ host: host({ name: 'node' }), extra: { label: '{{ name }}-1' } }).label).toBe('node-1');
  });
  it('but never renders registered results or facts (host data is not a template)', () => {
    const v = buildVars({ host: host(), registered: { out: { stdout: '{{ not_a_var }}' } }, facts: { motd: '{{ x }}' } });
    expect([v.out, v.motd]).toEqual([{ stdout: '{{ not_a_var }}' }, '{{ x }}']);
  });
  it('hides a value that cannot be rendered from spreads, and names the missing variable when it is read', () => {
    const v = buildVars({ host: host({ ok: 1, broken: 'http://{{ nowhere }}/' }) });
    expect(Object.keys(v)).not.toContain('broken');
    expect({ ...v }.ok).toBe(1);
    expect(messageOf(() => v.broken)).toBe(
      'host web1.example.com: vars.broken: undefined variable "nowhere" in the value of variable "broken"\n  fix: define "nowhere" (in the inventory, the play\'s vars, vars_files, or with -e nowhere=...) or give it a default: {{default nowhere "..."}}',
    );
  });
  it('reports a variable that refers to itself', () => {
    const v = buildVars({ host: host({ a: '{{ b }}', b: 'x{{ a }}' }) });
    expect(messageOf(() => v.a)).toBe('host web1.example.com: vars.a: variable "a" refers to itself (a → b → a)\n  fix: give one of them a plain value');
  });
});

describe('renderValue', () => {
  const vars = buildVars({ host: host({ port: 8333, pkgs: ['a', 'b'], name: 'node', nested: { deep: 'yes' }, url: 'http://{{ name }}' }) });
  const where = { file: 'site.yml', line: 12, col: 14, path: 'plays[0].tasks[1].copy' };

  it('keeps the type of a string that is exactly one {{ path }}', () => {
    expect(renderValue('{{ port }}', vars, where)).toBe(8333);
    expect(renderValue('{{pkgs}}', vars, where)).toEqual(['a', 'b']);
    expect(renderValue('{{{ nested }}}', vars, where)).toEqual({ deep: 'yes' });
    expect(renderValue('{{ nested.deep }}', vars, where)).toBe('yes');
  });
  it('renders a string with anything around its one {{ path }} as text, keeping that text byte for byte', () => {
    expect(renderValue('{{ name }}\n', vars, where)).toBe('node\n');
    expect(renderValue('  {{ port }}  ', vars, where)).toBe('  8333  ');
    expect(renderValue('\t{{{ name }}}\r\n', vars, where)).toBe('\tnode\r\n');
  });
  it('renders other strings through Handlebars, deeply, leaving other values alone', () => {
    expect(renderValue({ dest: '/etc/{{ name }}.conf', list: ['{{ port }}/tcp', 3, true, null], url: '{{ url }}' }, vars, where)).toEqual({
      dest: '/etc/node.conf',
      list: ['8333/tcp', 3, true, null],
      url: 'http://node',
    });
  });
  it('says plainly, where it is read, that a field is read from a value that has none', () => {
    const file = { file: 'motd.hbs', path: 'template' };
    expect(messageOf(() => renderValue('port: {{ port.number }}', vars, file))).toBe('motd.hbs:1:10: template: "port" is a number, which has no field "number"');
    expect(messageOf(() => renderValue('{{#with name}}{{ length }}{{/with}}', vars, file))).toBe('motd.hbs:1:18: template: "this" is a string, which has no field "length"');
    expect(messageOf(() => renderValue('{{ nested.deep.er }}', vars, where))).toBe('site.yml:12:14: plays[0].tasks[1].copy: "nested.deep" is a string, which has no field "er"');
    expect(messageOf(() => renderValue('{{ pkgs.[0].[1] }}', vars, file))).toBe('motd.hbs:1:4: template: "pkgs.[0]" is a string, which has no field "1"');
  });
  it('names a missing variable and where it was used, including the path inside the value', () => {
    expect(messageOf(() => renderValue({ dest: '/etc/{{ nme }}.conf' }, vars, where))).toBe(
      'site.yml:12:14: plays[0].tasks[1].copy.dest: undefined variable "nme"\n  fix: define "nme" (in the inventory, the play\'s vars, vars_files, or with -e nme=...) or give it a default: {{default nme "..."}}',
    );
    expect(messageOf(() => renderValue(['{{ missing }}'], vars, where))).toBe(
      'site.yml:12:14: plays[0].tasks[1].copy[0]: undefined variable "missing"\n  fix: define "missing" (in the inventory, the play\'s vars, vars_files, or with -e missing=...) or give it a default: {{default missing "..."}}',
    );
  });
  it('says where a broken variable was used', () => {
    const v = buildVars({ host: host({ broken: '{{ nowhere }}' }) });
    expect(messageOf(() => renderValue('x {{ broken }}', v, where))).toMatch(/^site\.yml:12:14: host web1\.example\.com: plays\[0\]\.tasks\[1\]\.copy: undefined variable "nowhere" in the value of variable "broken"/);
    expect(messageOf(() => renderValue('{{ broken }}', v, where))).toMatch(/^site\.yml:12:14: host web1\.example\.com: plays\[0\]\.tasks\[1\]\.copy: undefined variable "nowhere" in the value of variable "broken"/);
  });
  it('points Jinja filter habits at Handlebars helpers, quoting no text at run time (it may be a secret value rendered again)', () => {
    // The playbook's own strings are checked when it loads, where the text is quoted (test/unit/templates/syntax-check).
    expect(messageOf(() => renderValue("{{ name | default('x') }}", vars, where))).toBe(
      'site.yml:12:14: plays[0].tasks[1].copy: template syntax error\n  fix: Jinja filters (|) do not exist here: use helpers, e.g. {{default x "y"}}, {{join list ","}}',
    );
  });
});

describe('parseExtraVars', () => {
  const cwd = 'test/fixtures/playbooks';
  it('reads key=value pairs as strings, several per argument, with quotes grouping words', async () => {
    expect(await parseExtraVars(['a=1', 'b=two c="three four" d=\'x y\''], cwd)).toEqual({ a: '1', b: 'two', c: 'three four', d: 'x y' });
  });
  it('reads JSON and YAML flow mappings with their types', async () => {
    expect(await parseExtraVars(['{"n": 1, "list": [1, 2], "on": true}', '{ yaml: flow }'], cwd)).toEqual({ n: 1, list: [1, 2], on: true, yaml: 'flow' });
  });
  it('reads @files relative to cwd (YAML or JSON), later arguments winning', async () => {
    expect(await parseExtraVars(['shared=arg', '@extra-vars.yml', '@extra-vars.json'], cwd)).toEqual({ from_file: 1, shared: 'file', json_file: true });
    expect(await parseExtraVars(['@extra-vars.yml', 'shared=arg'], cwd)).toMatchObject({ shared: 'arg' });
  });
  it('rejects what it cannot read', async () => {
    await expect(parseExtraVars(['just words'], cwd)).rejects.toThrow(
      '-e #1: cannot read extra vars\n  expected: key=value pairs, {"json": "object"}, or @file.yml\n  got: 10 characters, not shown: an -e value may hold a secret',
    );
    await expect(parseExtraVars(['@nope.yml'], cwd)).rejects.toThrow(`-e @nope.yml: extra vars file not found: test/fixtures/playbooks/nope.yml`);
    await expect(parseExtraVars(['@extra-vars-list.yml'], cwd)).rejects.toThrow(
      `test/fixtures/playbooks/extra-vars-list.yml:1:1: extra vars must be a mapping\n  expected: name: value pairs\n  got: a list\n  fix: check -e @extra-vars-list.yml`,
    );
    const e = await parseExtraVars(['a=1', '{"db_password": "hunter2-secret'], cwd).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/^-e #2: cannot read extra vars as JSON: .* \(at character \d+\)\n  expected: \{"name": "value", \.\.\.\}\n  got: 31 characters, not shown: an -e value may hold a secret$/);
    expect((e as Error).message).not.toContain('hunter2');
  });
});
