// A playbook over a REAL OpenSSH sshd on loopback: several hosts, a second run with no changes, an unreachable
// host among healthy ones, and an unknown host key refused by default.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadInventory } from '../../src/inventory/load.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { runPlaybook } from '../../src/runner/run.js';
import type { HostResultEvent, RunEvent } from '../../src/runner/events.js';
import '../../src/modules/index.js';
import { sshdSuite, startSshd, type SshdHandle } from '../helpers/sshd.js';

const PLAYBOOK = resolve('test/fixtures/e2e/site.yml');
let sshd: SshdHandle;
let work: string;

sshdSuite(describe, 'test/ssh/playbook.test.ts')('playbooks over real SSH', () => {
  beforeAll(async () => {
    sshd = await startSshd({ addresses: ['127.0.0.2', '127.0.0.3', '127.0.0.4'] });
    work = await mkdtemp(join(tmpdir(), 'provision-e2e-'));
  });
  afterAll(async () => {
    await sshd?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** An inventory of the sshd's addresses, each host writing below its own folder. */
  async function inventory(extraHosts = '', knownHosts = sshd.knownHostsFile): Promise<string> {
    const hosts = sshd.addresses.map((a, i) => `    node${i + 1}:\n      address: ${a}\n      root: ${join(work, `node${i + 1}`)}`).join('\n');
    const file = join(work, `inventory-${Math.random().toString(36).slice(2)}.yml`);
    await writeFile(
      file,
      `all:\n  hosts:\n${hosts}\n${extraHosts}  vars:\n    port: ${sshd.port}\n    user: ${sshd.user}\n    private_key_file: ${sshd.clientKeyFile}\n    known_hosts_file: ${knownHosts}\n    listen_port: 8333\n    peers: [a.b32.i2p, b.b32.i2p]\n`,
    );
    return file;
  }

  async function run(invFile: string, extra: Partial<Parameters<typeof runPlaybook>[0]> = {}) {
    const events: RunEvent[] = [];
    const summary = await runPlaybook({ playbook: await loadPlaybook(PLAYBOOK), inventory: await loadInventory(invFile), onEvent: (e) => events.push(e), ...extra });
    return { summary, results: events.filter((e): e is HostResultEvent => e.type === 'host.result') };
  }

  describe('a playbook over real SSH', () => {
    it('converges three hosts, then a second run changes nothing', async () => {
      const inv = await inventory();
      const first = await run(inv);
      expect(first.summary.exitCode).toBe(0);
      for (const host of ['node1', 'node2', 'node3']) {
        expect(first.summary.recap[host]).toMatchObject({ failed: 0, unreachable: 0 });
        expect(first.summary.recap[host].changed).toBeGreaterThanOrEqual(4);
      }
      const conf = await readFile(join(work, 'node2/app/app.conf'), 'utf8');
      expect(conf).toMatch(/^# rendered for node2 \(\w+ [\d.]+\)\nlisten = 8333\npeer = a\.b32\.i2p\npeer = b\.b32\.i2p\n$/);
      expect(existsSync(join(work, 'node1/app/restarted'))).toBe(true);

      const second = await run(inv);
      expect(second.summary.exitCode).toBe(0);
      for (const host of ['node1', 'node2', 'node3']) expect(second.summary.recap[host]).toMatchObject({ changed: 0, failed: 0 });
      // One connection per host, reused: facts + probes + a few commands, not one connection per task.
      for (const host of ['node1', 'node2', 'node3']) expect(second.summary.roundTrips[host]).toBeLessThan(12);
    });

    it('in check mode reports the change a drifted file needs, and changes nothing', async () => {
      const inv = await inventory();
      await run(inv);
      const file = join(work, 'node3/app/static.txt');
      await writeFile(file, 'drifted\n');
      const { summary, results } = await run(inv, { check: true, diff: true });
      expect(summary.recap.node3.changed).toBe(1);
      expect(summary.recap.node1.changed).toBe(0);
      const drift = results.find((r) => r.host === 'node3' && r.status === 'changed')!;
      expect(drift.task).toBe('Write a static file');
      expect(drift.diffs?.[0]).toMatchObject({ before: 'drifted\n', after: 'hello from provision on node3\n' });
      expect(await readFile(file, 'utf8')).toBe('drifted\n');
    });

    it('reports a host with no sshd as unreachable while the others finish', async () => {
      const inv = await inventory('    ghost:\n      address: 127.0.0.9\n      root: /nonexistent\n');
      const { summary, results } = await run(inv, { connectTimeoutMs: 3000 });
      expect(summary.exitCode).toBe(4);
      expect(summary.recap.ghost).toMatchObject({ unreachable: 1, ok: 0 });
      expect(summary.recap.node1).toMatchObject({ unreachable: 0, failed: 0 });
      const ghost = results.find((r) => r.host === 'ghost')!;
      expect(ghost.status).toBe('unreachable');
      expect(ghost.msg).toContain(`connection refused at 127.0.0.9:${sshd.port}`);
    });

    it('refuses a host whose key is not in known_hosts, by default', async () => {
      const empty = join(work, 'empty_known_hosts');
      await writeFile(empty, '');
      const { summary, results } = await run(await inventory('', empty));
      expect(summary.exitCode).toBe(4);
      expect(results.filter((r) => r.status === 'unreachable').map((r) => r.host).sort()).toEqual(['node1', 'node2', 'node3']);
      expect(results[0].msg).toContain(sshd.hostKeyFingerprint);
    });
  });
});
