// The playbooks and the example inventory that ship with provision load cleanly and fit together.
import { describe, expect, it } from '@jest/globals';
import { loadInventory } from '../../src/inventory/load.js';
import { selectHosts } from '../../src/inventory/select.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import '../../src/modules/index.js';

describe('the bundled playbooks and example inventory', () => {
  it('i2p-node.yml configures the nodes, then runs verify.yml', async () => {
    const pb = await loadPlaybook('playbooks/i2p-node.yml');
    expect(pb.plays.map((p) => [p.name, p.hosts])).toEqual([
      ['Bitcoin Core as an I2P service', 'nodes'],
      ['Verify I2P nodes', 'nodes'],
    ]);
    expect(pb.plays[0].handlers.map((h) => h.name)).toEqual(['restart i2pd', 'restart bitcoind']);
  });

  it('verify.yml only reads: every command is changed_when false and failed_when false, and asserts name a cause', async () => {
    const pb = await loadPlaybook('playbooks/verify.yml');
    for (const t of pb.plays[0].tasks) {
      if (t.module === 'assert') expect(String(t.args.fail_msg)).toMatch(/see docs\/i2p-node\.md#/);
      else {
        expect([t.module, t.changedWhen, t.failedWhen]).toEqual([expect.stringMatching(/^(command|shell)$/), ['false'], ['false']]);
      }
    }
  });

  it('the example inventory puts its hosts in group nodes with group_vars applied', async () => {
    const inv = await loadInventory('inventories/example.yml');
    expect(selectHosts(inv, 'nodes')).toEqual(['node-fra-1', 'node-ams-1', 'node-nyc-1']);
    const ams = inv.hosts.get('node-ams-1')!;
    expect([ams.connection.port, ams.vars.ssh_port, ams.vars.bitcoin_version, ams.connection.become]).toEqual([2222, 2222, '29.1', true]);
  });
});

describe('the migration guide', () => {
  it('shows a provision playbook that loads as written', async () => {
    const { readFile } = await import('node:fs/promises');
    const { loadPlaybookFromString } = await import('../../src/playbook/load.js');
    const text = await readFile('docs/migrating-from-ansible.md', 'utf8');
    const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBe(2);
    const [, ours] = blocks;
    const pb = await loadPlaybookFromString(ours, 'docs/migrating-from-ansible.md');
    expect(pb.plays[0].tasks.map((t) => t.module)).toEqual(['apt', 'template', 'command']);
  });
});
