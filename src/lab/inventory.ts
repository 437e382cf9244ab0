// What a lab hands to `provision run`: an inventory, a known_hosts with every host's own key, and the lab's key.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { NODES_GROUP } from './config.js';
import type { LabInventoryPart } from './extension.js';
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
 * apt repository; each lab extension in use adds its host and group variables and a header line. Service hosts
 * (those with a role) are left out.
 */
export function inventoryText(
  lab: string,
  hosts: { name: string; address: string; index?: number; role?: string }[],
  keyFile: string,
  knownHostsFile: string,
  options: { repoPort?: number; parts?: LabInventoryPart[] } = {},
): string {
  const nodes = hosts.filter((h) => h.role === undefined);
  const parts = options.parts ?? [];
  const vars = { user: 'root', port: 22, private_key_file: keyFile, known_hosts_file: knownHostsFile };
  const head = `# Written by \`provision lab up --name ${lab}\`; \`provision lab down --name ${lab}\` removes it.\n`;
  const egress = options.repoPort ? { ufw_egress_allow: [{ rule: 'allow', direction: 'out', port: options.repoPort, proto: 'tcp', comment: 'lab apt repository' }] } : {};
  const hostVars = (h: (typeof nodes)[number]) => Object.assign({}, ...parts.map((p) => p.hostVars?.({ name: h.name, address: h.address, index: h.index ?? 0 }) ?? {}));
  const doc = {
    all: {
      hosts: Object.fromEntries(nodes.map((h) => [h.name, { address: h.address, ...hostVars(h) }])),
      children: { [NODES_GROUP]: { hosts: Object.fromEntries(nodes.map((h) => [h.name, null])), vars: Object.assign({ ...egress }, ...parts.map((p) => p.groupVars ?? {})) } },
      vars,
    },
  };
  const notes = parts.flatMap((p) => (p.comment ? [`# ${p.comment}\n`] : [])).join('');
  return `${head}${notes}${stringify(doc)}`;
}

/** Writes a file, creating its directory. */
export async function writeWithDir(file: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text, { mode });
}
