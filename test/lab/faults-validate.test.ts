// A `validate` command that rejects a rendered config, on a systemd host of the shared lab: the old config stays, the
// service behind it is not restarted, and the operator reads the validator's own words. The host is left as found.
import { afterAll, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labExec } from '../../src/lab/index.js';
import { cli, hostLine, recap, taskResults } from './faults-helpers.js';
import { describeLab, sharedLab } from './shared-lab.js';

describeLab('faults: validate refuses a config (shared lab)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'provision-faults-validate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('4. the old config stays, the service keeps its PID, and the error shows what sshd -t said', async () => {
    const lab = sharedLab();
    const host = lab.hosts[1].name;
    const sh = async (script: string) => (await labExec(lab.name, host, ['sh', '-c', script], { timeoutMs: 30_000 })).stdout.trim();
    const playbook = join(dir, 'validated.yml');
    // A second sshd on 127.0.0.1:2201 whose config is checked by `sshd -t` before it replaces the old one.
    writeFileSync(
      playbook,
      `- name: A validated config
  hosts: ${host}
  gather_facts: false
  tasks:
    - name: config folder
      file: { path: /etc/faults-demo, state: directory }
    - name: config
      copy:
        dest: /etc/faults-demo/sshd_config
        content: "{{ demo_config }}"
        validate: /usr/sbin/sshd -t -f %s
      notify: restart faults-demo
    - name: unit
      copy:
        dest: /etc/systemd/system/faults-demo.service
        content: |
          [Unit]
          Description=provision fault test: an sshd on 127.0.0.1:2201
          [Service]
          ExecStart=/usr/sbin/sshd -D -f /etc/faults-demo/sshd_config
      notify: restart faults-demo
    - name: running
      service: { name: faults-demo, state: started, daemon_reload: true }
  handlers:
    - name: restart faults-demo
      service: { name: faults-demo, state: restarted }
`,
    );
    const good = 'Port 2201\nListenAddress 127.0.0.1\nPidFile /run/faults-demo.pid\n';
    const bad = `${good}NoSuchOption yes\n`;
    const run = (config: string) => cli('run', playbook, '-i', lab.inventoryFile, '-e', JSON.stringify({ demo_config: config }));
    const service = () => sh('systemctl show -p MainPID -p ActiveEnterTimestamp faults-demo');
    try {
      const first = await run(good);
      expect(first.code).toBe(0);
      const before = await service();
      expect(before).toMatch(/^MainPID=[1-9]\d*\nActiveEnterTimestamp=\S/);

      const refused = await run(bad);
      expect(refused.code).toBe(2);
      const line = hostLine(refused.out, 'config', host)!;
      expect(line).toMatch(new RegExp(`^failed: \\[${host}\\] write /etc/faults-demo/sshd_config \\(${bad.length} bytes, atomically, validated\\): exit code 3\\n`));
      expect(line).toMatch(/^ {4}\/etc\/faults-demo\/\.sshd_config\.provision-\w{6}: line 4: Bad configuration option: NoSuchOption$/m);
      expect(line).toMatch(/^ {4}validate refused the new content; \/etc\/faults-demo\/sshd_config is unchanged$/m);
      // The failed host takes no further task and no handler.
      expect(taskResults(refused.out).map((t) => t.task)).toEqual(['config folder', 'config']);
      expect(recap(refused.out)[host]).toMatchObject({ failed: 1, changed: 0 });

      expect(await sh('cat /etc/faults-demo/sshd_config')).toBe(good.trim());
      expect(await sh('ls -A /etc/faults-demo')).toBe('sshd_config');
      expect(await service()).toBe(before);
      expect(await sh('systemctl is-active faults-demo')).toBe('active');
    } finally {
      await sh('systemctl disable --now faults-demo 2>/dev/null; rm -rf /etc/faults-demo /etc/systemd/system/faults-demo.service; systemctl daemon-reload');
    }
  }, 90_000);
});
