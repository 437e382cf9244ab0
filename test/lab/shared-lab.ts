// The lab the lab suites share: the lab project's global set-up (test/setup/lab.ts) brings it up, or a caller gives
// one through PROVISION_LAB_NAME and PROVISION_LAB_INVENTORY. Without one the lab suites skip, the reason recorded.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { recordSkip, strict } from '../setup/skips.js';

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
  if (process.env.PROVISION_LAB_SKIP) return process.env.PROVISION_LAB_SKIP;
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'the lab needs Linux and root';
  if (!process.env.PROVISION_LAB_INVENTORY || !process.env.PROVISION_LAB_NAME) {
    return 'PROVISION_LAB_INVENTORY and PROVISION_LAB_NAME are not set (the lab project\'s global set-up sets them)';
  }
  return undefined;
}

/** describe() when the shared lab is there; a failing test when bringing it up failed, or when it is missing and
 * PROVISION_TESTS_STRICT=1 (CI: lab suites must never pass by skipping); else describe.skip(), the reason recorded
 * for the summary at the end of the run. */
export function describeLab(title: string, body: () => void): void {
  const error = process.env.PROVISION_LAB_ERROR;
  const reason = skipReason();
  if (error || (reason && strict())) {
    describe(title, () => it('needs the shared lab', () => expect(error ?? `no shared lab: ${reason}`).toBe('a shared lab')));
    return;
  }
  if (reason) recordSkip('test/lab/', `lab suites: ${reason}`);
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
