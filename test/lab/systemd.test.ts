// In systemd mode every host boots real systemd as PID 1, with its own identity.
import { expect, it } from '@jest/globals';
import { labExec, labStatus } from '../../src/lab/index.js';
import { describeLab, sharedLab } from './shared-lab.js';

describeLab('the shared lab in systemd mode', () => {
  it('runs systemd as PID 1 on every host, with the system running (or degraded)', async () => {
    const lab = sharedLab();
    const [status] = await labStatus(lab.name);
    expect(status.mode).toBe('systemd');
    for (const h of lab.hosts) {
      const comm = await labExec(lab.name, h.name, ['cat', '/proc/1/comm']);
      expect(comm.stdout.trim()).toBe('systemd');
      const state = await labExec(lab.name, h.name, ['systemctl', 'is-system-running']);
      expect(['running', 'degraded']).toContain(state.stdout.trim());
      const ssh = await labExec(lab.name, h.name, ['systemctl', 'is-active', 'ssh']);
      expect(ssh.stdout.trim()).toBe('active');
    }
  });

  it('gives every host its own hostname and machine-id', async () => {
    const lab = sharedLab();
    const ids = new Set<string>();
    for (const h of lab.hosts) {
      expect((await labExec(lab.name, h.name, ['hostname'])).stdout.trim()).toBe(h.name);
      ids.add((await labExec(lab.name, h.name, ['cat', '/etc/machine-id'])).stdout.trim());
    }
    expect(ids.size).toBe(lab.hosts.length);
  });

  it('reports every host up, with the memory its cgroup uses', async () => {
    const lab = sharedLab();
    const [status] = await labStatus(lab.name);
    expect(status.hosts.map((h) => h.up)).toEqual(lab.hosts.map(() => true));
    for (const h of status.hosts) expect(h.memoryBytes).toBeGreaterThan(1 << 20);
  });
});
