// A service in a crash loop is held by systemd's start limit ("Start request repeated too quickly"): once its cause
// is fixed, the FIRST converge must start it again (systemctl reset-failed, then start), on a real systemd host.
import { afterAll, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labExec } from '../../src/lab/index.js';
import { cli, hostLine } from './faults-helpers.js';
import { describeLab, sharedLab } from './shared-lab.js';

const UNIT = 'provision-crashloop';
// Fails at once until /etc/provision-crashloop-ok exists (a broken config, say), restarted quickly by systemd.
const UNIT_FILE = `[Unit]
Description=provision test: a service that crashes until its cause is fixed
[Service]
ExecStart=/bin/sh -c 'test -e /etc/${UNIT}-ok || exit 1; exec sleep infinity'
Restart=on-failure
RestartSec=100ms
`;

describeLab('a service held by its start limit (shared lab)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'provision-repair-'));
  const sh = async (host: string, script: string, input?: string) => labExec(sharedLab().name, host, ['sh', '-c', script], { timeoutMs: 60_000, input });

  afterAll(async () => {
    const lab = sharedLab();
    const host = lab.hosts[lab.hosts.length - 1].name;
    await sh(host, `systemctl stop ${UNIT}; systemctl reset-failed ${UNIT}; rm -f /etc/systemd/system/${UNIT}.service /etc/${UNIT}-ok; systemctl daemon-reload`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is started again by the first converge after its cause is fixed, saying so', async () => {
    const lab = sharedLab();
    const host = lab.hosts[lab.hosts.length - 1].name;
    const setup = await sh(
      host,
      `rm -f /etc/${UNIT}-ok; cat > /etc/systemd/system/${UNIT}.service; systemctl daemon-reload; systemctl start ${UNIT}
for i in $(seq 100); do [ "$(systemctl show -p ActiveState --value ${UNIT})" = failed ] && break; sleep 0.1; done
systemctl show -p ActiveState -p NRestarts ${UNIT}`,
      UNIT_FILE,
    );
    // Five quick restarts, then systemd gave up (its default start limit: 5 in 10 s).
    expect(setup.stdout.split('\n').sort().join(' ')).toBe(' ActiveState=failed NRestarts=5');
    // The cause is fixed, and still systemd refuses a plain start: what a converge ran before.
    const refused = await sh(host, `touch /etc/${UNIT}-ok; systemctl start ${UNIT} >/dev/null 2>&1; echo "rc=$? $(systemctl is-active ${UNIT})"`);
    expect(refused.stdout).toBe('rc=1 failed\n');

    const playbook = join(dir, 'repair.yml');
    writeFileSync(playbook, `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: running\n      service: { name: ${UNIT}, state: started }\n`);
    const r = await cli('run', playbook, '-i', lab.inventoryFile, '-l', host);
    expect(hostLine(r.out, 'running', host)).toBe(`changed: [${host}] ${UNIT} (systemd): started (after systemctl reset-failed: it had failed, and may be held by its start limit)`);
    expect(r.code).toBe(0);
    expect((await sh(host, `systemctl is-active ${UNIT}`)).stdout).toBe('active\n');
  }, 120_000);
});
