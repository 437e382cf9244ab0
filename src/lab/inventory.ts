// What a lab hands to `provision run`: an inventory, a known_hosts with every host's own key, and the lab's key.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { I2P_NETID, NODES_GROUP, i2pGroupVars, i2pHostVars, i2pRouterAddress } from './i2p.js';
import { must } from './run.js';

/** Creates the lab's ed25519 client key (0600) in dir; returns the private key path and the public key line. */
export async function createLabKey(dir: string, lab: string): Promise<{ keyFile: string; publicKey: string }> {
  const keyFile = join(dir, 'id_ed25519');
  await rm(keyFile, { force: true });
  await rm(`${keyFile}.pub`, { force: true });
  await must(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `provision-lab@${lab}`, '-f', keyFile], 'generating the lab key');
  return { keyFile, publicKey: (await readFile(`${keyFile}.pub`, 'utf8')).trim() };
}

/** known_hosts text: one line per host address (and one per host name), with that host's own key. */
export function knownHostsText(hosts: { name: string; address: string; hostKey: string }[]): string {
  const lines: string[] = [];
  for (const h of hosts) {
    const [type, key] = h.hostKey.split(/\s+/);
    lines.push(`${h.address} ${type} ${key}`, `${h.name} ${type} ${key}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The inventory in provision's format (absolute key and known_hosts paths, so it can be moved). The hosts are in the
 * group `nodes` (what the bundled playbooks target), whose vars let a strict-egress firewall still reach the lab's
 * apt repository. With `i2pSlot` (an --i2p lab in that address slot) they also get the i2pd variables that make the
 * i2p-node playbook's i2pd join the lab's private I2P network; the lab's floodfill routers are left out.
 */
export function inventoryText(
  lab: string,
  hosts: { name: string; address: string; index?: number; role?: string }[],
  keyFile: string,
  knownHostsFile: string,
  i2pSlot?: number,
  repoPort?: number,
): string {
  const nodes = hosts.filter((h) => h.role !== 'floodfill');
  const vars = { user: 'root', port: 22, private_key_file: keyFile, known_hosts_file: knownHostsFile };
  const head = `# Written by \`provision lab up --name ${lab}\`; \`provision lab down --name ${lab}\` removes it.\n`;
  const egress = repoPort ? { ufw_egress_allow: [{ rule: 'allow', direction: 'out', port: repoPort, proto: 'tcp', comment: 'lab apt repository' }] } : {};
  const i2p = i2pSlot !== undefined;
  const doc = {
    all: {
      hosts: Object.fromEntries(nodes.map((h) => [h.name, { address: h.address, ...(i2p ? i2pHostVars(i2pRouterAddress(i2pSlot, h.index ?? 0)) : {}) }])),
      children: { [NODES_GROUP]: { hosts: Object.fromEntries(nodes.map((h) => [h.name, null])), vars: { ...egress, ...(i2p ? i2pGroupVars() : {}) } } },
      vars,
    },
  };
  const note = i2p ? `# Group ${NODES_GROUP}: i2pd joins the lab's private I2P network (netid ${I2P_NETID}); its floodfill routers (${lab}-ff1...) are run by the lab.\n` : '';
  return `${head}${note}${stringify(doc)}`;
}

/** Writes a file, creating its directory. */
export async function writeWithDir(file: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text, { mode });
}
