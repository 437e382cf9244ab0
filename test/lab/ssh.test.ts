// The shared lab's hosts accept SSH with the lab key, and only when the host key matches the lab's known_hosts.
import { expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/lab/run.js';
import { describeLab, sharedLab, sshArgv } from './shared-lab.js';

describeLab('the shared lab over SSH', () => {
  it('has an inventory in provision format: root on port 22, the lab key and known_hosts', () => {
    const lab = sharedLab();
    expect(lab.hosts.length).toBeGreaterThanOrEqual(3);
    lab.hosts.forEach((h, i) => expect(h.address).toMatch(new RegExp(`^10\\.77\\.\\d+\\.${11 + i}$`)));
    const text = readFileSync(lab.inventoryFile, 'utf8');
    expect(text).toContain('user: root');
    expect(text).toContain('port: 22');
    expect(statSync(lab.keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(lab.keyFile, 'utf8')).toContain('BEGIN OPENSSH PRIVATE KEY');
  });

  it('lets every host be reached with strict host-key checking, each answering with its own name', async () => {
    const lab = sharedLab();
    const names = await Promise.all(lab.hosts.map((h) => run(sshArgv(lab, h.address, 'hostname'))));
    expect(names.map((r) => `${r.code} ${r.stdout.trim()}`)).toEqual(lab.hosts.map((h) => `0 ${h.name}`));
  });

  it('gives every host its own ed25519 host key', () => {
    const lab = sharedLab();
    const keys = lab.hosts.map((h) => {
      const line = readFileSync(lab.knownHostsFile, 'utf8').split('\n').find((l) => l.startsWith(`${h.address} `));
      return line?.split(' ').slice(1).join(' ');
    });
    keys.forEach((k) => expect(k).toMatch(/^ssh-ed25519 AAAA/));
    expect(new Set(keys).size).toBe(lab.hosts.length);
  });

  it('refuses a host whose key does not match known_hosts', async () => {
    const lab = sharedLab();
    const [first, second] = lab.hosts;
    const lines = readFileSync(lab.knownHostsFile, 'utf8').split('\n');
    const secondKey = lines.find((l) => l.startsWith(`${second.address} `))!.split(' ').slice(1).join(' ');
    const wrong = join(mkdtempSync(join(tmpdir(), 'lab-kh-')), 'known_hosts');
    writeFileSync(wrong, `${first.address} ${secondKey}\n`);
    const r = await run(sshArgv(lab, first.address, 'true', wrong));
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('Host key verification failed');
  });
});
