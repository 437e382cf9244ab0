import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { inventoryFromList, loadInventory, loadInventoryFromString } from '../../../src/inventory/load.js';
import { problemsOf } from '../playbook/test-modules.js';

const F = 'test/fixtures/inventories';
const BASIC = `${F}/basic/inventory.yml`;
const load = () => loadInventory(BASIC);
const varsOf = async (host: string) => (await load()).hosts.get(host)!.vars;
const controlUser = process.env.USER || os.userInfo().username;

describe('loadInventory reads the YAML inventory', () => {
  it('lists hosts in file order, expanding ranges like web[01:03]', async () => {
    expect([...(await load()).hosts.keys()]).toEqual(['bastion', 'web01', 'web02', 'web03', 'db1', 'both', 'localhost']);
  });

  it('records groups with their direct hosts, children and vars, plus ungrouped', async () => {
    const inv = await load();
    expect([...inv.groups.keys()]).toEqual(['all', 'web', 'web_eu', 'db', 'beta', 'alpha', 'local', 'ungrouped']);
    expect(inv.groups.get('all')!.children).toEqual(['web', 'db', 'beta', 'alpha', 'local', 'ungrouped']);
    expect(inv.groups.get('web')).toEqual({ name: 'web', hosts: ['web01', 'web02', 'web03'], children: ['web_eu'], vars: { v_parent_child: 'web', v_inline_file: 'inline' } });
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['bastion']);
  });

  it("gives each host every group it is in, through children too, parents before children", async () => {
    const inv = await load();
    expect(inv.hosts.get('web02')!.groups).toEqual(['all', 'web', 'web_eu']);
    expect(inv.hosts.get('bastion')!.groups).toEqual(['all', 'ungrouped']);
    expect(inv.hosts.get('both')!.groups).toEqual(['all', 'alpha', 'beta']);
  });
});

describe('loadInventory merges host variables as Ansible does, one boundary at a time', () => {
  it('a child group beats its parent, which beats all', async () => {
    expect([(await varsOf('bastion')).v_parent_child, (await varsOf('web01')).v_parent_child, (await varsOf('web02')).v_parent_child]).toEqual(['all', 'web', 'web_eu']);
  });
  it('between sibling groups at the same depth, the later name wins', async () => {
    expect((await varsOf('both')).v_sibling).toBe('beta');
  });
  it('group_vars/ files beat group vars written in the inventory file (even group_vars/all.yml)', async () => {
    expect((await varsOf('web01')).v_inline_file).toBe('all-file');
  });
  it('among group_vars/ files, a child group beats all (a NAME/ folder of files works too)', async () => {
    expect(await varsOf('web01')).toMatchObject({ v_file_order: 'web-file', web_extra: true });
  });
  it("the host's own vars in the inventory beat group_vars/ files", async () => {
    expect((await varsOf('web02')).v_host_inline).toBe('host');
  });
  it('host_vars/ files beat everything in the inventory', async () => {
    expect((await varsOf('web02')).v_host_file).toBe('host-file');
  });
});

describe('loadInventory reads connection settings', () => {
  it('under our names, with paths relative to the inventory, a numeric string port, and seconds as ms', async () => {
    expect((await load()).hosts.get('db1')!.connection).toEqual({
      type: 'ssh',
      address: '10.0.1.5',
      port: 5433,
      user: 'postgres',
      privateKeyFile: path.resolve(F, 'basic/keys/db.pem'),
      knownHostsFile: path.resolve(F, 'basic/known_hosts'),
      become: true,
      becomeUser: 'postgres',
      connectTimeoutMs: 2500,
    });
  });
  it("under Ansible's names, with defaults for the rest (port 22, the control user)", async () => {
    const inv = await load();
    expect(inv.hosts.get('bastion')!.connection).toEqual({ type: 'ssh', address: '10.0.0.1', port: 22, user: controlUser });
    expect(inv.hosts.get('web02')!.connection).toEqual({ type: 'ssh', address: 'web02', port: 2222, user: controlUser });
  });
  it('connects to localhost locally and expands ~ in key paths', async () => {
    expect((await load()).hosts.get('localhost')!.connection).toEqual({
      type: 'local',
      address: 'localhost',
      port: 22,
      user: controlUser,
      privateKeyFile: path.join(os.homedir(), '.ssh/id_test'),
    });
  });
});

describe('loadInventory reports problems at file:line:col', () => {
  const bad = (name: string) => problemsOf(loadInventory(`${F}/bad/${name}`));

  it('a cycle of groups, at the child that closes it', async () => {
    expect(await bad('cycle.yml')).toEqual([`${F}/bad/cycle.yml:7:13: group cycle: a → b → a\n  fix: remove "a" from the children of "b"`]);
  });
  it('bad connection values, where they are defined, once per definition', async () => {
    const file = `${F}/bad/bad-port.yml`;
    expect(await bad('bad-port.yml')).toEqual([
      `${file}:5:15: host web1: port: wrong type\n  expected: an integer from 1 to 65535\n  got: a string ("abc")`,
      `${file}:12:25: host db1: ansible_port: too big\n  expected: an integer from 1 to 65535\n  got: a number (70000)`,
      `${file}:13:31: host db1: ansible_connection: invalid value\n  expected: one of "ssh", "local"\n  got: "paramiko"`,
    ]);
  });
  it('unknown keys with a suggestion, and wrong types', async () => {
    const file = `${F}/bad/unknown-key.yml`;
    expect(await bad('unknown-key.yml')).toEqual([
      `${file}:4:7: all.children.web.host: unknown key "host"\n  expected: one of hosts, children, vars\n  fix: did you mean "hosts"?`,
      `${file}:6:13: all.children.web.vars: wrong type\n  expected: a mapping\n  got: a list`,
    ]);
  });
  it('an INI inventory, with the command that converts it', async () => {
    expect(await bad('ini.ini')).toEqual([
      `${F}/bad/ini.ini:1:1: INI inventories are not supported\n  expected: a YAML inventory (all: { hosts: ..., children: ... })\n  fix: convert it: ansible-inventory -i FILE --list --yaml`,
    ]);
  });
  it('broken YAML', async () => {
    expect(await bad('broken.yml')).toEqual([`${F}/bad/broken.yml:3:10: all mapping items must start at the same column\n  fix: line it up with the items above it (spaces only)`]);
  });
  it('a malformed host range', async () => {
    expect(await bad('bad-range.yml')).toEqual([`${F}/bad/bad-range.yml:3:5: all.hosts.web[3:1]: bad host range "[3:1]": 3 is after 1\n  fix: write it from low to high: [1:3]`]);
  });
  it('problems inside group_vars/ and host_vars/ files, in those files', async () => {
    expect(await problemsOf(loadInventory(`${F}/bad-group-vars/inventory.yml`))).toEqual([
      `${F}/bad-group-vars/host_vars/h1.yml:1:7: "[" is not closed by "]" (or the line after it is not indented enough)\n  fix: close it with "]"; a list or mapping in brackets that goes on over several lines is indented further than its key`,
      `${F}/bad-group-vars/group_vars/all.yml:1:15: host h1: ansible_port: too big\n  expected: an integer from 1 to 65535\n  got: a number (99999)`,
    ]);
  });
  it('a missing file', async () => {
    expect(await bad('nope.yml')).toEqual([`inventory not found: ${F}/bad/nope.yml`]);
  });
});

describe('host names, as ssh and the folders named after hosts can take them', () => {
  const RULE = 'a name ssh accepts: no "/", "\\", "..", whitespace, control characters or any of \' ` " $ ; & < > | ( ) { }, not starting with "-"';
  const FIX = 'rename the host, and give its address with ansible_host (or address)';
  it.each([
    ['../../../../t/rpc/ESCAPED/dir/evil', 'it contains "/"'],
    ['..', 'it contains ".."'],
    ['web 1', 'it contains whitespace'],
    ['web\u0007', 'it contains a control character (U+0007)'],
    ['-oProxyCommand=touch', 'it starts with "-" (ssh would read it as an option)'],
    ['web;reboot', 'it contains ";"'],
  ])('refuses %j where the inventory names it', async (name, why) => {
    const text = `all:\n  hosts:\n    ok1:\n    ${JSON.stringify(name)}:\n`;
    expect(await problemsOf(loadInventoryFromString(text, 'inv.yml'))).toEqual([`inv.yml:4:5: all.hosts.${name}: invalid host name ${JSON.stringify(name)}: ${why}\n  expected: ${RULE}\n  fix: ${FIX}`]);
  });
  it('refuses a group named so that its group_vars/ file would be outside group_vars/', async () => {
    expect(await problemsOf(loadInventoryFromString('all:\n  children:\n    ../../etc/app:\n      hosts: { ok1: }\n', 'inv.yml'))).toEqual([
      'inv.yml:3:5: all.children.../../etc/app: invalid group name "../../etc/app": it contains "/"\n  expected: a name that can name a group_vars/ file: no "/", "\\", ".." or control characters\n  fix: rename the group (letters, digits and _ are safe everywhere)',
    ]);
  });
  it('refuses them in -i a,b lists too', () => {
    expect(() => inventoryFromList('ok1,../evil')).toThrow(`-i ok1,../evil: invalid host name "../evil": it contains "/"\n  expected: ${RULE}\n  fix: ${FIX}`);
  });
  it('accepts names that are addresses: IPv6, zone ids, host:port is not a name', () => {
    expect([...inventoryFromList('fe80::1%eth0,web-1.example.com,10.0.0.5').hosts.keys()]).toEqual(['fe80::1%eth0', 'web-1.example.com', '10.0.0.5']);
  });
});

describe('inventoryFromList', () => {
  it('puts every host of -i a,b,c in all, reading host:port and [ipv6]:port', () => {
    const inv = inventoryFromList('web1, web2:2222,[::1]:2200,localhost,');
    expect([...inv.hosts.keys()]).toEqual(['web1', 'web2', '::1', 'localhost']);
    expect(inv.hosts.get('web2')!.connection).toMatchObject({ type: 'ssh', address: 'web2', port: 2222 });
    expect(inv.hosts.get('::1')!.connection).toMatchObject({ address: '::1', port: 2200 });
    expect(inv.hosts.get('localhost')!.connection.type).toBe('local');
    expect(inv.groups.get('all')!.hosts).toEqual(['web1', 'web2', '::1', 'localhost']);
    expect(inv.hosts.get('web1')!.groups).toEqual(['all', 'ungrouped']);
  });
  it('rejects a port out of range', () => {
    expect(() => inventoryFromList('web1:99999')).toThrow('host web1: -i web1:99999: too big\n  expected: an integer from 1 to 65535\n  got: a number (99999)');
  });
});
