// The lab that .ci/run brings up before jest: its name and inventory come from the environment. Without them the
// lab suites skip, and say why once.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The shared lab as its inventory describes it. */
export interface SharedLab {
  name: string;
  inventoryFile: string;
  keyFile: string;
  knownHostsFile: string;
  hosts: { name: string; address: string }[];
}

/** Why lab suites cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'lab tests need Linux';
  if (process.getuid?.() !== 0) return 'lab tests need root';
  if (!process.env.PROVISION_LAB_INVENTORY || !process.env.PROVISION_LAB_NAME) {
    return 'PROVISION_LAB_INVENTORY and PROVISION_LAB_NAME are not set (.ci/run sets them after `provision lab up`)';
  }
  return undefined;
}

let told = false;

/** describe() when the shared lab is there, describe.skip() with a printed reason when it is not (a failing test
 * instead when PROVISION_LAB_REQUIRED=1: CI tried to bring the lab up and must not pass by skipping). */
export function describeLab(title: string, body: () => void): void {
  const reason = skipReason();
  if (reason && process.env.PROVISION_LAB_REQUIRED === '1') {
    describe(title, () => it('needs the shared lab', () => expect(`no shared lab: ${reason}`).toBe('a shared lab')));
    return;
  }
  if (reason && !told) {
    told = true;
    process.stderr.write(`lab tests skipped: ${reason}\n`);
  }
  (reason ? describe.skip : describe)(title, body);
}

/** Reads the shared lab's inventory (call inside a describeLab body's hooks or tests). */
export function sharedLab(): SharedLab {
  const inventoryFile = process.env.PROVISION_LAB_INVENTORY!;
  const doc = parse(readFileSync(inventoryFile, 'utf8')) as {
    all: { hosts: Record<string, { address: string }>; vars: { private_key_file: string; known_hosts_file: string } };
  };
  return {
    name: process.env.PROVISION_LAB_NAME!,
    inventoryFile,
    keyFile: doc.all.vars.private_key_file,
    knownHostsFile: doc.all.vars.known_hosts_file,
    hosts: Object.entries(doc.all.hosts).map(([name, h]) => ({ name, address: h.address })),
  };
}

/** ssh argv to a shared-lab host with strict host-key checking against the lab's known_hosts. */
export function sshArgv(lab: { keyFile: string; knownHostsFile: string }, address: string, command: string, knownHosts = lab.knownHostsFile): string[] {
  return [
    'ssh', '-i', lab.keyFile, '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', `root@${address}`, command,
  ];
}
