// ufw inside a lab host filters that host's traffic only; the control machine's own rules stay as they were.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { initPid } from '../../src/lab/boot.js';
import { findHost, labExec, labStatus } from '../../src/lab/index.js';
import { run } from '../../src/lab/run.js';
import { describeLab, sharedLab, sshArgv } from './shared-lab.js';

// The control machine's ruleset, read with the host's own iptables binary (the control machine may have none):
// nsenter enters only the host's mount namespace, so the network namespace stays the control machine's.
async function controlRules(labName: string, host: string): Promise<string> {
  const pid = await initPid(await findHost(labName, host));
  const r = await run(['nsenter', '-t', String(pid), '-m', '-r', '-w', '--', '/usr/sbin/iptables-save']);
  return r.stdout.replace(/^#.*$/gm, '');
}

function listen(address: string, port: number): Promise<{ server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((s) => (hits++, s.end()));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve({ server, hits: () => hits }));
  });
}

describeLab('ufw on a lab host', () => {
  const servers: Server[] = [];
  let host = '';
  let lab = '';

  beforeAll(async () => {
    const shared = sharedLab();
    lab = shared.name;
    host = shared.hosts[shared.hosts.length - 1].name;
    await labExec(lab, host, ['apt-get', 'update', '-q']);
    const r = await labExec(lab, host, ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-q', 'ufw']);
    expect(r.code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    servers.forEach((s) => s.close());
    if (host) {
      await labExec(lab, host, ['ufw', '--force', 'reset']);
      await labExec(lab, host, ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'purge', '-y', '-q', 'ufw']);
    }
  }, 60_000);

  it('blocks outgoing TCP outside the allowed range, keeps SSH open, and leaves the control machine untouched', async () => {
    const shared = sharedLab();
    const [status] = await labStatus(lab);
    const before = await controlRules(lab, host);
    const allowed = await listen(status.gateway, 9500);
    const blocked = await listen(status.gateway, 8000);
    servers.push(allowed.server, blocked.server);

    for (const argv of [['ufw', 'allow', '22/tcp'], ['ufw', 'allow', 'out', '9000:31000/tcp'], ['ufw', 'default', 'deny', 'outgoing'], ['ufw', '--force', 'enable']]) {
      const r = await labExec(lab, host, argv);
      expect(`${argv.join(' ')}: ${r.code}`).toBe(`${argv.join(' ')}: 0`);
    }
    expect((await labExec(lab, host, ['ufw', 'status'])).stdout).toContain('Status: active');

    const connect = (port: number) => labExec(lab, host, ['timeout', '3', 'bash', '-c', `echo > /dev/tcp/${status.gateway}/${port}`]);
    expect((await connect(9500)).code).toBe(0);
    expect((await connect(8000)).code).not.toBe(0);
    expect([allowed.hits(), blocked.hits()]).toEqual([1, 0]);

    const address = shared.hosts.find((h) => h.name === host)!.address;
    const ssh = await run(sshArgv(shared, address, 'hostname'));
    expect(ssh.stdout.trim()).toBe(host);

    const after = await controlRules(lab, host);
    expect(after).toBe(before);
    expect(after).not.toContain('ufw');
  }, 60_000);
});
