// `--junit FILE` that cannot be written is refused before any host is contacted (exit 5 through the CLI's error
// path), not after every change was applied.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../src/cli/run.js';
import { isUserError } from '../../../src/errors.js';

let dir: string;
let server: Server;
let connections = 0;
let inventory: string;
let playbook: string;
beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  dir = mkdtempSync(join(tmpdir(), 'provision-junit-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
  inventory = join(dir, 'inventory.yml');
  writeFileSync(inventory, `all:\n  hosts:\n    node1: { address: 127.0.0.1, port: ${(server.address() as { port: number }).port}, private_key_file: ${join(dir, 'key')} }\n`);
  playbook = join(dir, 'site.yml');
  writeFileSync(playbook, '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n');
  mkdirSync(join(dir, 'reports'));
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  rmSync(dir, { recursive: true, force: true });
});

// The user error runCommand ends with, as the CLI prints it (anything else fails the test).
async function refusal(junit: string): Promise<string> {
  try {
    await runCommand(playbook, { inventory, junit, json: true });
  } catch (e) {
    if (isUserError(e)) return `error: ${e.message}`;
    throw e;
  }
  return 'ran';
}

describe('--junit', () => {
  it('in a folder that does not exist is refused before any host is contacted', async () => {
    const file = join(dir, 'missing', 'junit.xml');
    expect(await refusal(file)).toBe(`error: --junit ${file}: cannot write the report there: folder ${join(dir, 'missing')} does not exist\n  fix: create the folder first, or name a file in an existing one`);
    expect(connections).toBe(0);
  });

  it('naming a directory is refused before any host is contacted', async () => {
    const folder = join(dir, 'reports');
    expect(await refusal(folder)).toBe(`error: --junit ${folder}: cannot write the report there: it is a directory\n  fix: name a file in it, e.g. --junit ${join(folder, 'junit.xml')}`);
    expect(connections).toBe(0);
  });
});
