// lab exec: a command inside a host without SSH or the provisioner, with its exit code, output and input.
import { expect, it } from '@jest/globals';
import { labExec } from '../../src/lab/index.js';
import { describeLab, sharedLab } from './shared-lab.js';

describeLab('labExec', () => {
  it('returns the exit code, stdout and stderr of the command inside the host', async () => {
    const lab = sharedLab();
    const r = await labExec(lab.name, lab.hosts[0].name, ['sh', '-c', 'echo out; echo err >&2; hostname; exit 7']);
    expect(r).toEqual({ code: 7, stdout: `out\n${lab.hosts[0].name}\n`, stderr: 'err\n' });
  });

  it('passes input to the command', async () => {
    const lab = sharedLab();
    const r = await labExec(lab.name, lab.hosts[1].name, ['cat'], { input: 'hello lab\n' });
    expect(r.stdout).toBe('hello lab\n');
  });

  it('sees the host by its address too, inside the host network namespace', async () => {
    const lab = sharedLab();
    const h = lab.hosts[2];
    const r = await labExec(lab.name, h.address, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    expect(r.stdout).toContain(`inet ${h.address}/24`);
  });

  it('names the hosts that exist when asked for one that does not', async () => {
    const lab = sharedLab();
    await expect(labExec(lab.name, 'nosuchhost', ['true'])).rejects.toThrow(
      `lab ${lab.name}: no host "nosuchhost"\n  expected: ${lab.hosts.map((h) => h.name).join(', ')}`,
    );
  });
});
