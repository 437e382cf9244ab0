// A password file given where a mapping is expected (-e @file, vars_files, -i, a group_vars file) is refused
// without its content in the message: the error names its type and length only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/load.js';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { parseExtraVars } from '../../../src/playbook/vars.js';
import '../../../src/modules/index.js';

let dir: string;
const messageOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.message);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'provision-pwfile-'));
  writeFileSync(join(dir, 'rpc.password'), 'PwFileSecret10x\n');
  writeFileSync(join(dir, 'pin'), '123456789\n');
  writeFileSync(join(dir, 'pb.yml'), `- hosts: all\n  vars_files: [rpc.password]\n  tasks: []\n`);
  mkdirSync(join(dir, 'group_vars'));
  writeFileSync(join(dir, 'group_vars', 'all.yml'), 'PwFileSecret10x\n');
  writeFileSync(join(dir, 'inventory.yml'), 'all:\n  hosts:\n    h1: {}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a password file where a mapping is expected', () => {
  it('given as -e @file is refused without its text', async () => {
    expect(await messageOf(parseExtraVars([`@${join(dir, 'rpc.password')}`], dir))).toBe(
      `${join(dir, 'rpc.password')}:1:1: extra vars must be a mapping\n  expected: name: value pairs\n  got: a string of 15 characters (not shown: a file may hold a secret)\n  fix: check -e @${join(dir, 'rpc.password')}`,
    );
  });

  it('given as -e @file holding a number is refused without the number', async () => {
    expect(await messageOf(parseExtraVars([`@${join(dir, 'pin')}`], dir))).toContain('got: a number (not shown: a file may hold a secret)');
  });

  it('named in vars_files is refused without its text', async () => {
    const message = await messageOf(loadPlaybook(join(dir, 'pb.yml')));
    expect(message).toContain('a vars file must be a mapping of variables\n  expected: name: value pairs\n  got: a string of 15 characters (not shown: a file may hold a secret)');
    expect(message).not.toContain('PwFileSecret10x');
  });

  it('given as the inventory (-i) is refused without its text', async () => {
    const message = await messageOf(loadInventory(join(dir, 'rpc.password')));
    expect(message).toContain('an inventory must be a mapping of groups\n  expected: all: { hosts: { web1: ... }, children: { ... } }\n  got: a string of 15 characters (not shown: a file may hold a secret)');
  });

  it('found as a group_vars file is refused without its text', async () => {
    const message = await messageOf(loadInventory(join(dir, 'inventory.yml')));
    expect(message).toContain('a vars file must be a mapping of variables\n  expected: name: value pairs\n  got: a string of 15 characters (not shown: a file may hold a secret)');
  });
});
