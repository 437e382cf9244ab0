// ~/.ssh/config-style aliases with ProxyJump: a host reachable only through a bastion. The "hidden" host is the
// first lab host's own sshd on ITS loopback (127.0.0.1:22 inside the host's network namespace): the control machine
// cannot reach it directly, only by jumping through the lab host.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLab, sharedLab } from './shared-lab.js';
import { cli } from '../helpers/cli.js';

let dir: string;

describeLab('ssh_config aliases and ProxyJump', () => {
  let bastion: { name: string; address: string };
  beforeAll(() => {
    const lab = sharedLab();
    bastion = lab.hosts[0];
    dir = mkdtempSync(join(tmpdir(), 'provision-jump-'));
    // The hidden host is the bastion's own sshd seen from inside: same host key, under the name 127.0.0.1.
    const known = readFileSync(lab.knownHostsFile, 'utf8');
    const key = known.split('\n').find((l) => l.startsWith(`${bastion.address} `))!.split(' ').slice(1).join(' ');
    writeFileSync(join(dir, 'known_hosts'), `${known}127.0.0.1 ${key}\n`);
    writeFileSync(
      join(dir, 'ssh_config'),
      `Host hidden\n  HostName 127.0.0.1\n  User root\n  IdentityFile ${lab.keyFile}\n  ProxyJump root@${bastion.address}:22\n\nHost *\n  Port 22\n`,
    );
    writeFileSync(
      join(dir, 'inventory.yml'),
      `all:\n  hosts:\n    hidden: {}\n    direct: { address: 127.0.0.1, private_key_file: ${lab.keyFile}, ssh_config_file: none, connect_timeout: 2 }\n  vars:\n    ssh_config_file: ${join(dir, 'ssh_config')}\n    known_hosts_file: ${join(dir, 'known_hosts')}\n`,
    );
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reaches a host through its jump host, taking HostName, User, IdentityFile and ProxyJump from the ssh config', async () => {
    const r = await cli('exec', 'hidden', '-i', join(dir, 'inventory.yml'), '--', 'sh', '-c', 'hostname; echo "$SSH_CONNECTION"');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^hidden \\| OK \\| rc=0\\n${bastion.name}\\n127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 22\\n$`));
  });

  it('cannot reach the same address without the jump host (so the test above went through it)', async () => {
    const r = await cli('exec', 'direct', '-i', join(dir, 'inventory.yml'), '--', 'true');
    expect(r.code).toBe(4);
  });

  it('runs a playbook through the jump host', async () => {
    writeFileSync(join(dir, 'pb.yml'), '- hosts: hidden\n  gather_facts: true\n  tasks:\n    - command: hostname\n      register: h\n      changed_when: false\n    - assert: { that: h.stdout == facts.hostname }\n');
    const r = await cli('run', join(dir, 'pb.yml'), '-i', join(dir, 'inventory.yml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No changes: 1 host already in the desired state.');
  });
});
