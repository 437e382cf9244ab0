// A playbook through the real CLI on the shared lab's systemd hosts, checked from outside with lab exec.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolve } from 'node:path';
import { labExec } from '../../src/lab/index.js';
import { describeLab, sharedLab } from './shared-lab.js';

const run = promisify(execFile);
const CLI = resolve('dist/cli/main.js');
const PLAYBOOK = resolve('test/fixtures/lab/basics.yml');

async function provision(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run('node', [CLI, 'run', PLAYBOOK, ...args], { maxBuffer: 10 << 20 });
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, stdout: err.stdout };
  }
}

describeLab('a playbook on lab hosts', () => {
  it('installs, writes and enables a service on every host; a second run changes nothing', async () => {
    const lab = sharedLab();
    const first = await provision('-i', lab.inventoryFile);
    expect(first.stdout).toContain('PLAY RECAP');
    expect(first.code).toBe(0);
    for (const h of lab.hosts) {
      const check = async (...argv: string[]) => (await labExec(lab.name, h.name, argv)).stdout.trim();
      expect(await check('dpkg-query', '-W', '-f=${Status}', 'netcat-openbsd')).toBe('install ok installed');
      expect(await check('stat', '-c', '%a %U %G', '/etc/provision-demo/demo.conf')).toBe('640 root nogroup');
      expect(await check('cat', '/etc/provision-demo/demo.conf')).toBe(`port=9999\nhost=${h.name}`);
      expect(await check('systemctl', 'is-enabled', 'provision-demo')).toBe('enabled');
      expect(await check('systemctl', 'is-active', 'provision-demo')).toBe('active');
    }
    const second = await provision('-i', lab.inventoryFile);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`No changes: ${lab.hosts.length} hosts already in the desired state.`);
  }, 240_000);

  it('repairs drift: --check --diff names the one host and file and changes nothing; a real run fixes it and restarts', async () => {
    const lab = sharedLab();
    await provision('-i', lab.inventoryFile);
    const target = lab.hosts[1];
    await labExec(lab.name, target.name, ['sh', '-c', 'echo port=1 > /etc/provision-demo/demo.conf']);
    const pidBefore = (await labExec(lab.name, target.name, ['systemctl', 'show', '-p', 'MainPID', '--value', 'provision-demo'])).stdout.trim();
    const check = await provision('-i', lab.inventoryFile, '--check', '--diff');
    expect(check.stdout).toContain(`changed: [${target.name}]`);
    expect(check.stdout).toContain('-port=1');
    expect(check.stdout.match(/^changed: /gm)?.length).toBe(2); // the file, and its handler
    expect((await labExec(lab.name, target.name, ['cat', '/etc/provision-demo/demo.conf'])).stdout).toBe('port=1\n');
    const fix = await provision('-i', lab.inventoryFile);
    expect(fix.code).toBe(0);
    expect((await labExec(lab.name, target.name, ['cat', '/etc/provision-demo/demo.conf'])).stdout).toBe(`port=9999\nhost=${target.name}\n`);
    const pidAfter = (await labExec(lab.name, target.name, ['systemctl', 'show', '-p', 'MainPID', '--value', 'provision-demo'])).stdout.trim();
    expect(pidAfter).not.toBe(pidBefore);
  }, 240_000);

  it('daemon_reload reloads systemd when the unit changed on disk, and a run that changes nothing reloads nothing', async () => {
    const lab = sharedLab();
    const h = lab.hosts[0];
    const on = async (script: string) => (await labExec(lab.name, h.name, ['sh', '-c', script])).stdout.trim();
    const needsReload = (unit: string) => on(`systemctl show -p NeedDaemonReload --value ${unit}`);
    expect((await provision('-i', lab.inventoryFile, '-l', h.name)).code).toBe(0);
    // A unit this playbook does not manage, kept loaded (started) and edited after systemd loaded it: only a
    // daemon-reload clears its flag.
    const sentinel = '/etc/systemd/system/provision-sentinel.service';
    const unit = (exec: string) => `printf '[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=${exec}\\n' > ${sentinel}`;
    await on(`${unit('/bin/true')} && systemctl daemon-reload && systemctl start provision-sentinel && ${unit('/bin/echo')}`);
    try {
      expect(await needsReload('provision-sentinel')).toBe('yes');
      const noop = await provision('-i', lab.inventoryFile, '-l', h.name);
      expect(noop.stdout).toContain('No changes: 1 host already in the desired state.');
      expect(await needsReload('provision-sentinel')).toBe('yes');
      // The demo unit edited by hand: its task writes it back, and the service task reloads systemd before the handler restarts it.
      await on("sed -i 's/demo listener/demo listener, edited/' /etc/systemd/system/provision-demo.service");
      expect(await needsReload('provision-demo')).toBe('yes');
      const fix = await provision('-i', lab.inventoryFile, '-l', h.name, '-v');
      expect(fix.code).toBe(0);
      expect(fix.stdout).toContain('reload systemd units (systemctl daemon-reload): provision-demo.service changed on disk');
      expect(await needsReload('provision-demo')).toBe('no');
      expect(await needsReload('provision-sentinel')).toBe('no');
      expect(await on('systemctl show -p Description --value provision-demo')).toBe('provision lab demo listener');
    } finally {
      await on(`systemctl stop provision-sentinel; rm -f ${sentinel}; systemctl daemon-reload`);
    }
  }, 240_000);
});
