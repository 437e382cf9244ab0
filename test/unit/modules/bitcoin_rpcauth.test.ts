// The control-side password file of bitcoin_rpcauth is built from a variable (usually the host's name): whatever the
// variables hold, it stays inside the folder its path names.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bitcoin_rpcauth } from '../../../src/modules/bitcoin_rpcauth.js';
import { testContext } from '../../helpers/module-harness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'provision-rpcauth-'));
  mkdirSync(join(dir, 'playbook'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const prepare = (passwordFile: string) =>
  Promise.resolve(bitcoin_rpcauth.prepare!(bitcoin_rpcauth.args.parse({ password_file: passwordFile }), testContext({ playbookDir: join(dir, 'playbook') })));

describe('bitcoin_rpcauth password_file', () => {
  it('that a name made climb out of its folder is refused, and nothing is created outside it', async () => {
    // What `{{ inventory_hostname }}` in the documented path gives for a host named ../../escaped/evil.
    const file = `${dir}/rpc/../../escaped/evil.password`;
    const message = await prepare(file).then(() => 'created', (e: Error) => e.message);
    expect(message).toBe(
      `password_file ${file} climbs out of the folder it names ("rpc/..")\n  expected: a file inside ${dir}/rpc\n  fix: check the variables the path is made from (a host name cannot hold "/" or ".."); a folder above may be named with leading ../ only`,
    );
    expect(existsSync(join(dir, '..', 'escaped'))).toBe(false);
    expect(existsSync(join(dir, 'rpc'))).toBe(false);
  });

  it('may start with ../ to name a folder above the playbook', async () => {
    await prepare('../secrets/h1.password');
    expect(statSync(join(dir, 'secrets', 'h1.password')).mode & 0o777).toBe(0o600);
  });
});
