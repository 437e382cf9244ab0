// `provision exec` and `provision facts` show what hosts print: the inventory's secrets are masked there as in a
// run, and control characters are shown escaped on a terminal (kept raw, but masked, in --json).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../../helpers/cli.js';

let dir: string;
let inventory: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'provision-exec-secret-'));
  inventory = join(dir, 'inventory.yml');
  writeFileSync(inventory, 'all:\n  hosts:\n    localhost:\n      db_password: ExecSecret11x\n      api_token: 31415926\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('provision exec', () => {
  it('masks the inventory\'s secrets in what the command printed, and shows control characters escaped', async () => {
    const r = await cli('exec', 'all', '-i', inventory, '--', 'printf', 'pw ExecSecret11x token 31415926\\033[2J\\rok\\n');
    expect(r.stdout).toBe('localhost | OK | rc=0\npw *** token ***\\x1b[2J\\rok\n');
  });

  it('masks them in --json too, where the other bytes stay raw', async () => {
    const r = await cli('exec', 'all', '-i', inventory, '--json', '--', 'printf', 'pw ExecSecret11x\\033[2J');
    expect((JSON.parse(r.stdout) as { stdout: string }).stdout).toBe('pw ***\x1b[2J');
  });
});
