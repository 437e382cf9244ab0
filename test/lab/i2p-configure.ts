// What the i2p-node playbook does to i2pd, done without the provisioner so the lab's I2P network can be tested on
// its own: apt-get install i2pd (which starts it with Debian's config), write i2pd.conf rendered from
// templates/i2pd.conf.hbs with the inventory's variables for that host, restart i2pd.
import { expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { labExec } from '../../src/lab/index.js';
import { render } from '../../src/template/render.js';

const TEMPLATE = readFileSync(new URL('../../templates/i2pd.conf.hbs', import.meta.url), 'utf8');

interface Group {
  hosts?: Record<string, Record<string, unknown> | null>;
  children?: Record<string, Group>;
  vars?: Record<string, unknown>;
}

/** A host's variables as the inventory gives them: all's vars, then group nodes' vars, then its own. */
export function nodeVars(inventoryFile: string, host: string): Record<string, unknown> {
  const all = (parse(readFileSync(inventoryFile, 'utf8')) as { all: Group }).all;
  const nodes = all.children?.nodes;
  if (!nodes?.hosts || !(host in nodes.hosts)) throw new Error(`${host} is not in group nodes of ${inventoryFile}`);
  return { ...all.vars, ...nodes.vars, ...all.hosts?.[host], inventory_hostname: host };
}

/** The i2pd.conf the playbook would write to that host. */
export function nodeConf(inventoryFile: string, host: string): string {
  return render(TEMPLATE, nodeVars(inventoryFile, host), { file: 'templates/i2pd.conf.hbs', host });
}

/** Installs i2pd from the lab repository, writes the host's i2pd.conf and restarts i2pd; returns when it restarted. */
export async function configureNode(lab: string, inventoryFile: string, host: string): Promise<number> {
  const install = await labExec(lab, host, ['sh', '-c', 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q i2pd'], { timeoutMs: 300_000 });
  expect({ host, code: install.code, stderr: install.code ? install.stderr : '' }).toEqual({ host, code: 0, stderr: '' });
  const write = await labExec(lab, host, ['sh', '-c', 'cat > /etc/i2pd/i2pd.conf'], { input: nodeConf(inventoryFile, host) });
  expect(write.code).toBe(0);
  const restartedAt = Date.now();
  const restart = await labExec(lab, host, ['systemctl', 'restart', 'i2pd'], { timeoutMs: 60_000 });
  expect({ host, restart: restart.code, stderr: restart.stderr }).toEqual({ host, restart: 0, stderr: '' });
  return restartedAt;
}
