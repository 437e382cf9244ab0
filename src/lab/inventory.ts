// What a lab hands to `provision run`: an inventory, a known_hosts with every host's own key, and the lab's key.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
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

/** The inventory in provision's format (absolute key and known_hosts paths, so it can be moved). */
export function inventoryText(lab: string, hosts: { name: string; address: string }[], keyFile: string, knownHostsFile: string): string {
  const doc = {
    all: {
      hosts: Object.fromEntries(hosts.map((h) => [h.name, { address: h.address }])),
      vars: { user: 'root', port: 22, private_key_file: keyFile, known_hosts_file: knownHostsFile },
    },
  };
  return `# Written by \`provision lab up --name ${lab}\`; \`provision lab down --name ${lab}\` removes it.\n${stringify(doc)}`;
}

/** Writes a file, creating its directory. */
export async function writeWithDir(file: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text, { mode });
}
