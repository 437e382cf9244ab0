import { describe, expect, it } from '@jest/globals';
import { loadInventoryArg } from '../../../src/cli/inventory-arg.js';
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
