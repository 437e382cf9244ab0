// apt inside a lab host installs real Debian packages from the lab's own repository, with no way off the machine.
import { afterAll, expect, it } from '@jest/globals';
import { labExec, labStatus } from '../../src/lab/index.js';
import { describeLab, sharedLab } from './shared-lab.js';

describeLab('apt on a lab host', () => {
  afterAll(async () => {
    const lab = sharedLab();
    await labExec(lab.name, lab.hosts[0].name, ['apt-get', 'purge', '-y', '-q', 'netcat-openbsd']);
  });

  it('has only the lab repository on the gateway as its package source', async () => {
    const lab = sharedLab();
    const [status] = await labStatus(lab.name);
    const r = await labExec(lab.name, lab.hosts[0].name, ['sh', '-c', 'cat /etc/apt/sources.list; ls /etc/apt/sources.list.d']);
    expect(r.stdout).toBe(`deb [trusted=yes] ${status.repoUrl} ./\n`);
  });

  it('installs a package from the local repository offline', async () => {
    const lab = sharedLab();
    const host = lab.hosts[0].name;
    const update = await labExec(lab.name, host, ['apt-get', 'update', '-q']);
    expect(update.code).toBe(0);
    const install = await labExec(lab.name, host, ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-q', 'netcat-openbsd']);
    expect(install.code).toBe(0);
    const status = await labExec(lab.name, host, ['dpkg-query', '-W', '-f', '${Status}', 'netcat-openbsd']);
    expect(status.stdout).toBe('install ok installed');
  });

  it('has no route off the machine: only the lab subnet is reachable', async () => {
    const lab = sharedLab();
    const route = await labExec(lab.name, lab.hosts[0].name, ['ip', 'route', 'get', '192.0.2.1']);
    expect(route.code).not.toBe(0);
    expect(route.stderr).toContain('Network is unreachable');
  });
});
