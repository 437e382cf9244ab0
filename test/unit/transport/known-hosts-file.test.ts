// A known_hosts_file the control machine cannot read fails the hosts that use it, clearly, before any of them is
// contacted; the other hosts run and the run ends with its recap and Ansible's exit code.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventoryFromString } from '../../../src/inventory/load.js';
import { loadPlaybookFromString } from '../../../src/playbook/load.js';
import type { HostResultEvent, RunEvent } from '../../../src/runner/events.js';
import { runPlaybook } from '../../../src/runner/run.js';
import '../../../src/modules/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'provision-kh-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a known_hosts_file that is a directory', () => {
  it('fails only the host that names it, as unreachable, and the run still ends with a recap', async () => {
    // Port 9 (discard) on loopback: nothing listens, and nothing must be tried before the file is read.
    const inventory = await loadInventoryFromString(
      `all:\n  hosts:\n    good: { connection: local }\n    bad: { address: 127.0.0.1, port: 9, private_key_file: ${join(dir, 'key')}, known_hosts_file: ${dir} }\n`,
      join(dir, 'inventory.yml'),
    );
    const playbook = await loadPlaybookFromString('- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n', join(dir, 'site.yml'));
    const events: RunEvent[] = [];
    const summary = await runPlaybook({ playbook, inventory, onEvent: (e) => events.push(e) });
    const results = events.filter((e): e is HostResultEvent => e.type === 'host.result');
    expect(results.map((r) => [r.host, r.status, r.msg]).sort()).toEqual([
      ['bad', 'unreachable', `cannot read known_hosts file ${dir}: it is a directory\n  fix: point known_hosts_file at a known_hosts file, or leave it unset for ~/.ssh/known_hosts`],
      ['good', 'changed', 'run true'],
    ]);
    expect(events.at(-1)?.type).toBe('run.end');
    expect(summary.exitCode).toBe(4);
  });
});
