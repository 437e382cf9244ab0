import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJump, sshConfigFor } from '../../../src/inventory/ssh-config.js';
import { loadInventoryFromString } from '../../../src/inventory/load.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'provision-sshcfg-'));
  writeFileSync(
    join(dir, 'config'),
    'Host node-*\n  User ops\n  ProxyJump bastion\nHost node-1\n  HostName 192.0.2.21\n  Port 2201\nHost bastion\n  HostName 192.0.2.1\n  User jump\n  IdentityFile keys/jump\nHost *\n  User fallback\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ssh config', () => {
  it('takes the first value of each key over the matching Host blocks, as OpenSSH does', () => {
    expect(sshConfigFor('node-1', join(dir, 'config'), true)).toEqual({ user: 'ops', proxyJump: 'bastion', hostName: '192.0.2.21', port: 2201 });
    expect(sshConfigFor('bastion', join(dir, 'config'), true)).toEqual({ hostName: '192.0.2.1', user: 'jump', identityFile: join(dir, 'keys/jump') });
  });

  it('fills what the inventory leaves unset, and the inventory wins where it sets something', async () => {
    const inv = await loadInventoryFromString(`all:\n  hosts:\n    node-1: {}\n    node-2: { user: admin }\n  vars:\n    ssh_config_file: ${join(dir, 'config')}\n`, join(dir, 'inv.yml'));
    const n1 = inv.hosts.get('node-1')!.connection;
    expect([n1.address, n1.port, n1.user]).toEqual(['192.0.2.21', 2201, 'ops']);
    expect(n1.proxyJump).toMatchObject({ address: '192.0.2.1', port: 22, user: 'jump', privateKeyFile: join(dir, 'keys/jump') });
    expect(inv.hosts.get('node-2')!.connection.user).toBe('admin');
  });

  it('reads [user@]host[:port] jump specs and refuses chains', () => {
    expect(parseJump('admin@[2001:db8::1]:2222')).toEqual({ user: 'admin', host: '2001:db8::1', port: 2222 });
    expect(parseJump('bastion')).toEqual({ host: 'bastion' });
    expect(() => parseJump('a,b')).toThrow('only one jump host is supported, got a chain: a,b');
  });

  it('names a missing ssh_config_file', async () => {
    await expect(loadInventoryFromString('all:\n  hosts:\n    x: { ssh_config_file: /nonexistent/config }\n', join(dir, 'inv.yml'))).rejects.toThrow('ssh config file not found: /nonexistent/config');
  });
});
