// `provision exec` and `provision facts` through the built CLI against a real sshd on loopback.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sshdSuite, startSshd, type SshdHandle } from '../helpers/sshd.js';
import { cli } from '../helpers/cli.js';

let sshd: SshdHandle;
let dir: string;
let inventory: string;

sshdSuite(describe, 'test/ssh/adhoc.test.ts')('provision exec and facts over real SSH', () => {
  beforeAll(async () => {
    sshd = await startSshd({ addresses: ['127.0.0.5', '127.0.0.6'] });
    dir = await mkdtemp(join(tmpdir(), 'provision-adhoc-'));
    inventory = join(dir, 'inv.yml');
    await writeFile(
      inventory,
      `all:\n  hosts:\n    a: { address: 127.0.0.5 }\n    b: { address: 127.0.0.6 }\n    ghost: { address: 127.0.0.9 }\n  vars:\n    port: ${sshd.port}\n    user: ${sshd.user}\n    private_key_file: ${sshd.clientKeyFile}\n    known_hosts_file: ${sshd.knownHostsFile}\n    connect_timeout: 3\n`,
    );
  });
  afterAll(async () => {
    await sshd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('provision exec', () => {
    it('runs one command on each host, argv passed literally, and prints each host\'s output', async () => {
      const r = await cli('exec', 'a:b', '-i', inventory, '--', 'printf', '%s|', 'one two', '$(id)');
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n').sort().join('\n')).toBe(['', 'a | OK | rc=0', 'b | OK | rc=0', 'one two|$(id)|', 'one two|$(id)|'].join('\n'));
    });

    it('runs --become without sudo when logged in as the become user already (as run does)', async () => {
      const r = await cli('exec', 'a', '-i', inventory, '-b', '--become-user', sshd.user, '--', 'sh', '-c', 'echo "sudo=${SUDO_USER-none}"');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('a | OK | rc=0\nsudo=none\n');
    });

    it('exits 2 when the command fails on a host, 4 when a host is unreachable', async () => {
      expect((await cli('exec', 'a', '-i', inventory, '--', 'false')).code).toBe(2);
      const r = await cli('exec', 'all', '-i', inventory, '--', 'true');
      expect(r.code).toBe(4);
      expect(r.stdout).toContain(`ghost | UNREACHABLE: connection refused at 127.0.0.9:${sshd.port}`);
    });
  });

  describe('provision facts', () => {
    it('prints gathered facts as JSON, by host', async () => {
      const r = await cli('facts', 'a', '-i', inventory);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ a: expect.objectContaining({ system: 'Linux', user: sshd.user }) });
    });
  });
});
