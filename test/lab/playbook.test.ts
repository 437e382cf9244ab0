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
});
