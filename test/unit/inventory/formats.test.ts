import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventoryArg } from '../../../src/inventory/arg.js';
import { selectHosts } from '../../../src/inventory/select.js';
import { iniToInventory } from '../../../src/inventory/convert.js';

const DIR = 'test/fixtures/inventories/ansible';

describe("Ansible's INI inventory format", () => {
  it('reads hosts, host vars, ranges, group vars and children as Ansible documents them', async () => {
    const inv = await loadInventoryArg(`${DIR}/hosts.ini`);
    expect([...inv.hosts.keys()]).toEqual(expect.arrayContaining(['mail.example.com', 'foo.example.com', 'bar.example.com', 'db-a.example.com', 'db-c.example.com', 'host1']));
    expect(selectHosts(inv, 'southeast').sort()).toEqual(['db-a.example.com', 'db-b.example.com', 'db-c.example.com', 'host1', 'host2']);
    const bar = inv.hosts.get('bar.example.com')!;
    expect([bar.connection.address, bar.connection.port]).toEqual(['192.0.2.50', 5555]);
    expect(inv.hosts.get('foo.example.com')!.vars).toMatchObject({ http_port: 80, maxRequestsPerChild: 808 });
    expect(inv.hosts.get('host1')!.vars).toMatchObject({ ntp_server: 'ntp.atlanta.example.com', some_server: 'foo.southeast.example.com', halon_system_timeout: 30 });
  });

  it('points at the line of a malformed entry', () => {
    expect(() => iniToInventory('[web]\nhost1 port\n', 'x.ini')).toThrow('x.ini:2:7: host variable "port" is not key=value');
    expect(() => iniToInventory('[web:varz]\n', 'x.ini')).toThrow('x.ini:1:1: bad section header [web:varz]');
  });
});

describe('dynamic inventories (an executable printing --list JSON)', () => {
  it('runs the script and reads groups, children and _meta.hostvars', async () => {
    const inv = await loadInventoryArg(`${DIR}/dynamic.sh`);
    expect(selectHosts(inv, 'prod').sort()).toEqual(['db1', 'web1', 'web2']);
    expect(inv.hosts.get('web1')!.connection.address).toBe('192.0.2.11');
    expect(inv.hosts.get('web2')!.vars.http_port).toBe(8080);
    expect(inv.hosts.get('db1')!.connection.port).toBe(2200);
  });
});

describe('a dynamic inventory that prints the wrong shape', () => {
  let dir: string;
  let n = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'provision-dyn-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A four-line script printing `json`; resolves with what loading it as -i says.
  async function loaded(json: string): Promise<{ script: string; message: string }> {
    const script = join(dir, `dyn${++n}.sh`);
    writeFileSync(script, `#!/bin/sh\ncat <<'EOF'\n${json}\nEOF\n`, { mode: 0o755 });
    const message = await loadInventoryArg(script).then((inv) => `loaded: ${[...inv.hosts.keys()].join(' ')}`, (e: Error) => e.message);
    return { script, message };
  }

  it.each([
    ['a string of hosts', '{"web": {"hosts": "h1"}}', '.web.hosts: expected a list of host names, got a string'],
    ['a number of hosts', '{"web": {"hosts": 5}}', '.web.hosts: expected a list of host names, got a number'],
    ['a string of children', '{"web": {"hosts": ["h1"], "children": "db"}}', '.web.children: expected a list of group names, got a string'],
    ['a string of vars', '{"web": {"hosts": ["h1"], "vars": "x=1"}}', '.web.vars: expected a mapping of variables, got a string'],
    ['a group that is a number', '{"web": 5}', '.web: expected a group (a list of host names, or {"hosts": [...], "vars": {...}, "children": [...]}), got a number'],
    ['a __proto__ group', '{"__proto__": {"hosts": ["h1"]}}', '.__proto__: "__proto__" cannot be used as a name\n  fix: rename it'],
    ['a __proto__ host', '{"web": {"hosts": ["h1", "__proto__"]}}', '.web.hosts[1]: "__proto__" cannot be used as a name\n  fix: rename it'],
    ['a number in a bare list of hosts', '{"db": ["d1", 5]}', '.db[1]: expected host names in the list, got a number'],
    ['a group cycle', '{"a": {"children": ["b"]}, "b": {"children": ["a"]}}', '.b.children[0]: group cycle: a → b → a\n  fix: remove "a" from the children of "b"'],
    ['a misspelt key', '{"web": {"host": ["h1"]}}', '.web.host: unknown key (a group has hosts, vars and children)'],
  ])('is refused at the JSON path of the problem: %s', async (_, json, problem) => {
    const { script, message } = await loaded(json);
    expect(message).toBe(`${script} (its output) at ${problem}`);
  });

  it('that fails names the command to run it by hand, quoted for the shell', async () => {
    const script = join(dir, 'my inventory; x.sh');
    writeFileSync(script, '#!/bin/sh\necho broken >&2\nexit 3\n', { mode: 0o755 });
    const message = await loadInventoryArg(script).then(() => 'loaded', (e: Error) => e.message);
    expect(message).toBe(`dynamic inventory ${script} failed (exit 3)\n  got: broken\n  fix: run it by hand: '${script}' --list`);
  });

  it('that prints without end is killed at 64 MB, and the message says so', async () => {
    const script = join(dir, 'endless.sh');
    writeFileSync(script, '#!/bin/sh\nexec yes\n', { mode: 0o755 });
    const message = await loadInventoryArg(script).then(() => 'loaded', (e: Error) => e.message);
    expect(message).toBe(`dynamic inventory ${script} failed (killed: it printed more than 64 MB)\n  fix: run it by hand: ${script} --list`);
  });

  it('reports every problem at once, a __proto__ name beside a wrong shape', async () => {
    const { script, message } = await loaded('{"web": {"hosts": "h1"}, "_meta": {"hostvars": {"__proto__": {}}}}');
    expect(message).toBe(
      `${script} (its output) at .web.hosts: expected a list of host names, got a string\n${script} (its output) at ._meta.hostvars.__proto__: "__proto__" cannot be used as a name\n  fix: rename it`,
    );
  });

  it('names a bad host variable by its JSON path, never by a line of converted text', async () => {
    const { script, message } = await loaded('{"web": {"hosts": ["h1"]}, "_meta": {"hostvars": {"h1": {"ansible_port": "x"}}}}');
    expect(message).toBe(`${script} (its output) at ._meta.hostvars.h1.ansible_port: host h1: ansible_port: wrong type\n  expected: an integer from 1 to 65535\n  got: a string ("x")`);
  });

  it('reads a one-host group as that host, and children and vars as written', async () => {
    const { message } = await loaded('{"web": {"hosts": ["h1"], "vars": {"a": 1}, "children": ["db"]}, "db": ["d1"], "_meta": {"hostvars": {"h1": {"b": 2}}}}');
    expect(message).toBe('loaded: h1 d1');
  });
});
